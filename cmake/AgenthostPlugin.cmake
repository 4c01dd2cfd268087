# Building agenthost plugins. Used in the host's tree (plugins/) and, installed with
# the SDK, by out-of-tree plugin projects: find_package(agenthost CONFIG REQUIRED)
# includes this file.

# agenthost_add_plugin(<name> SOURCES <src>... [LIBRARIES <lib>...])
# Builds <name>.so, an agent plugin the host can load: a MODULE library, C++20,
# hidden visibility (only the two AGENTHOST_PLUGIN entry points are exported), no
# undefined symbols left for load time, compiled against the SDK whose ABI version
# AGENTHOST_PLUGIN writes into the manifest. With an installed SDK, the plugin's
# NDEBUG also follows the SDK's build (the manifest's build_type, which the host
# compares with its own), whatever CMAKE_BUILD_TYPE the plugin project uses.
function(agenthost_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "agenthost_add_plugin(${name}): unexpected arguments ${arg_UNPARSED_ARGUMENTS} "
                        "(expected SOURCES <src>... [LIBRARIES <lib>...])")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "agenthost_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE agenthost::plugin_api ${arg_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  # Set by agenthostConfig.cmake only; in the host's tree the plugins share its build.
  # Compile options come after the build type's flags (-DNDEBUG in Release), so they win.
  if(AGENTHOST_SDK_BUILD_TYPE STREQUAL "release")
    target_compile_options(${name} PRIVATE -DNDEBUG)
  elseif(AGENTHOST_SDK_BUILD_TYPE STREQUAL "debug")
    target_compile_options(${name} PRIVATE -UNDEBUG)
  endif()
endfunction()

# agenthost_add_plugin_test(<name> PLUGIN <plugin target> SOURCES <src>... [LIBRARIES <lib>...])
# A test executable for a plugin, registered with CTest: links agenthost::testing
# (the harness), defines AGENTHOST_PLUGIN_FILE as the path of the built plugin .so
# (harness.load_plugin(AGENTHOST_PLUGIN_FILE) tests the real artifact) and builds
# the plugin first. Bring your own test framework through LIBRARIES (Catch2::Catch2).
function(agenthost_add_plugin_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PLUGIN" "SOURCES;LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_PLUGIN OR NOT arg_SOURCES)
    message(FATAL_ERROR "agenthost_add_plugin_test(${name}): expected PLUGIN <plugin target> "
                        "SOURCES <src>... [LIBRARIES <lib>...]")
  endif()
  if(NOT TARGET ${arg_PLUGIN})
    message(FATAL_ERROR "agenthost_add_plugin_test(${name}): PLUGIN ${arg_PLUGIN} is not a target; "
                        "call agenthost_add_plugin(${arg_PLUGIN} ...) first")
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE agenthost::testing ${arg_LIBRARIES})
  target_compile_definitions(${name} PRIVATE AGENTHOST_PLUGIN_FILE="$<TARGET_FILE:${arg_PLUGIN}>")
  add_dependencies(${name} ${arg_PLUGIN})
  add_test(NAME ${name} COMMAND ${name})
endfunction()
