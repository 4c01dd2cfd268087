# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): runs on the staging tree, before
# the .deb is made. The install rules put the configuration under the prefix
# (etc/agenthost, so that `cmake --install --prefix DIR` never writes outside DIR);
# under the package's prefix /usr that is /usr/etc, while Debian keeps configuration
# in /etc (and dpkg tracks it there as a conffile). Moves usr/etc to etc in every
# component's staging tree; does nothing when the rules already install to /etc.
file(GLOB _agenthost_trees LIST_DIRECTORIES true "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
list(APPEND _agenthost_trees "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
foreach(_tree IN LISTS _agenthost_trees)
  if(NOT IS_DIRECTORY "${_tree}/usr/etc")
    continue()
  endif()
  file(GLOB_RECURSE _files RELATIVE "${_tree}/usr/etc" "${_tree}/usr/etc/*")
  foreach(_file IN LISTS _files)
    get_filename_component(_dir "${_tree}/etc/${_file}" DIRECTORY)
    file(MAKE_DIRECTORY "${_dir}")
    file(RENAME "${_tree}/usr/etc/${_file}" "${_tree}/etc/${_file}")
  endforeach()
  file(REMOVE_RECURSE "${_tree}/usr/etc")
  message(STATUS "agenthost: moved ${_tree}/usr/etc to ${_tree}/etc")
endforeach()
