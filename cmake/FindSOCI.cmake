# Finds SOCI (Debian's libsoci-dev ships no CMake config).
# Provides SOCI::core and, per requested component, SOCI::<backend> (sqlite3, postgresql).
include(FindPackageHandleStandardArgs)

find_path(SOCI_INCLUDE_DIR NAMES soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)

set(_soci_required_vars SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
foreach(_backend IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${_backend}_LIBRARY NAMES soci_${_backend})
  if(SOCI_${_backend}_LIBRARY)
    set(SOCI_${_backend}_FOUND TRUE)
  endif()
  if(SOCI_FIND_REQUIRED_${_backend})
    list(APPEND _soci_required_vars SOCI_${_backend}_LIBRARY)
  endif()
endforeach()

find_package_handle_standard_args(SOCI REQUIRED_VARS ${_soci_required_vars} HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core SHARED IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  foreach(_backend IN LISTS SOCI_FIND_COMPONENTS)
    if(SOCI_${_backend}_FOUND)
      add_library(SOCI::${_backend} SHARED IMPORTED)
      set_target_properties(SOCI::${_backend} PROPERTIES
        IMPORTED_LOCATION "${SOCI_${_backend}_LIBRARY}"
        INTERFACE_LINK_LIBRARIES SOCI::core)
    endif()
  endforeach()
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
