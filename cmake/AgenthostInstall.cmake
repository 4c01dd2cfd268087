# cmake --install: the plugin SDK (component sdk: headers, the test harness library,
# the CMake package agenthostConfig.cmake, the plugin template) and the host
# (component runtime: agenthostd, the example plugins, the default configuration).
# Included at the end of the top-level CMakeLists.txt, once every target exists; a
# target that does not exist (yet) is skipped.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AGENTHOST_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/agenthost)
# Plugins are not libraries to link against: lib/agenthost/plugins on every system,
# the default plugins.paths of config/agenthost.yaml under the /usr prefix.
set(AGENTHOST_INSTALL_PLUGINDIR lib/agenthost/plugins)

# The manifest's build_type is "release" when NDEBUG is defined. Plugins built
# against the installed SDK must match the host built here (agenthost_add_plugin).
string(TOUPPER "${CMAKE_BUILD_TYPE}" _agenthost_build_type)
if(" ${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_agenthost_build_type}} " MATCHES " [-/]DNDEBUG ")
  set(AGENTHOST_SDK_BUILD_TYPE release)
else()
  set(AGENTHOST_SDK_BUILD_TYPE debug)
endif()

# ---- SDK ------------------------------------------------------------------------
install(DIRECTORY ${PROJECT_SOURCE_DIR}/plugin_api/include/
                  ${PROJECT_SOURCE_DIR}/plugin_api/testing/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT sdk
        FILES_MATCHING PATTERN "*.hpp")
install(TARGETS agenthost_plugin_api agenthost_testing
        EXPORT agenthostTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT agenthostTargets
        NAMESPACE agenthost::
        DESTINATION ${AGENTHOST_INSTALL_CMAKEDIR}
        COMPONENT sdk)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/agenthostConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/agenthostConfig.cmake
  INSTALL_DESTINATION ${AGENTHOST_INSTALL_CMAKEDIR})
# Keyed to the SDK ABI, not the host's release number: a plugin project asking for
# SDK 2.y accepts any installed 2.x with x >= y, and never 3.x.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/agenthostConfigVersion.cmake
  VERSION ${AGENTHOST_SDK_ABI_MAJOR}.${AGENTHOST_SDK_ABI_MINOR}
  COMPATIBILITY SameMajorVersion)
# The plugin template, so an author needs nothing but the installed SDK.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/plugins/template/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/agenthost/plugin-template
        COMPONENT sdk)
install(FILES
          ${PROJECT_BINARY_DIR}/cmake/agenthostConfig.cmake
          ${PROJECT_BINARY_DIR}/cmake/agenthostConfigVersion.cmake
          ${PROJECT_SOURCE_DIR}/cmake/AgenthostPlugin.cmake
          ${PROJECT_SOURCE_DIR}/cmake/FindSOCI.cmake
        DESTINATION ${AGENTHOST_INSTALL_CMAKEDIR}
        COMPONENT sdk)

# ---- host -----------------------------------------------------------------------
# agenthost-worker: the worker processes agenthostd starts (looked for next to it).
foreach(_agenthost_program IN ITEMS agenthostd agenthost-worker agentctl)
  if(TARGET ${_agenthost_program})
    install(TARGETS ${_agenthost_program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
            COMPONENT runtime)
  endif()
endforeach()
foreach(_agenthost_plugin IN LISTS AGENTHOST_EXAMPLE_PLUGINS)
  if(TARGET ${_agenthost_plugin})
    install(TARGETS ${_agenthost_plugin}
            LIBRARY DESTINATION ${AGENTHOST_INSTALL_PLUGINDIR} COMPONENT runtime)
  endif()
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/config/agenthost.yaml)
  install(FILES ${PROJECT_SOURCE_DIR}/config/agenthost.yaml
          DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/agenthost
          COMPONENT runtime)
endif()
