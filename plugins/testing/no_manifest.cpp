// A shared library that exports no agenthost entry points (built without
// AGENTHOST_PLUGIN): the host must refuse it before calling anything in it.

extern "C" __attribute__((visibility("default"))) int agenthost_test_not_a_plugin() { return 42; }
