# agenthost_add_plugin(<name> SOURCES <src>... [LIBRARIES <lib>...])
# Builds an agent plugin as a MODULE library the host can load: C++20, hidden
# visibility (only the two AGENTHOST_PLUGIN entry points are exported), no
# undefined symbols left for load time, and linked against the SDK whose version
# the manifest records.
function(agenthost_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LIBRARIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "agenthost_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE agenthost::plugin_api ${arg_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
endfunction()
