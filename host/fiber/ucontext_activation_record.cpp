// Sanitizer builds switch fiber stacks with Boost.Context's ucontext backend, the one
// whose stack switches carry ASan's and TSan's fiber annotations (the default fcontext
// backend has none; see docs/architecture.md, "Runs as fibers"). Debian's
// libboost_context holds only the fcontext backend, so the ucontext backend's one
// out-of-line piece, the per-thread "current fiber" record, is defined here.
#if defined(BOOST_USE_UCONTEXT)

#include <boost/context/fiber.hpp>

namespace boost::context::detail {
namespace {

// The thread's record of what runs now: its main context until a fiber is resumed.
thread_local fiber_activation_record* current_record = nullptr;
thread_local std::size_t initializers = 0;

}  // namespace

fiber_activation_record_initializer::fiber_activation_record_initializer() noexcept {
  if (initializers++ == 0) current_record = new fiber_activation_record();
}

fiber_activation_record_initializer::~fiber_activation_record_initializer() {
  if (--initializers == 0) {
    delete current_record;
    current_record = nullptr;
  }
}

fiber_activation_record*& fiber_activation_record::current() noexcept {
  // Created on the thread's first switch, destroyed when the thread exits.
  thread_local fiber_activation_record_initializer initializer;
  return current_record;
}

}  // namespace boost::context::detail

#endif
