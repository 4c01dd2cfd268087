# CPack: Debian packages of this build, made with `cpack -G DEB` in the build dir.
#   agenthost      the daemon, the example plugins, the default configuration
#                  (/etc/agenthost/agenthost.yaml, a conffile), the systemd unit,
#                  and maintainer scripts that create the system user `agenthost` and
#                  /var/lib/agenthost, and enable and (re)start the service.
#   agenthost-dev  the plugin SDK: headers, the test harness, the CMake package, the
#                  plugin template.
# Built from the install rules of AgenthostInstall.cmake (components runtime and
# sdk); this file adds only the unit file and the Debian control files.
# tests/packaging/test_deb.sh builds, inspects and runs the package.
include(GNUInstallDirs)

set(AGENTHOST_PACKAGE_MAINTAINER "agenthost maintainers <maintainers@agenthost.invalid>"
    CACHE STRING "Maintainer field of the Debian packages")
set(AGENTHOST_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the packages")

# ---- what only the package adds -------------------------------------------------
# The unit under lib/systemd/system of the prefix: /usr/lib/systemd/system in the
# package; systemd also reads /usr/local/lib/systemd/system for a /usr/local install.
install(FILES ${PROJECT_SOURCE_DIR}/config/agenthost.service
        DESTINATION lib/systemd/system
        COMPONENT runtime)

# ---- the packages ---------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME agenthost)
set(CPACK_PACKAGE_VENDOR agenthost)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${AGENTHOST_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AGENTHOST_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${AGENTHOST_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # agenthost_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Debian ships stripped binaries; it also keeps the package small and quick to build.
set(CPACK_STRIP_FILES TRUE)
# The configuration to /etc (see the script).
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/packaging/debian/fhs_layout.cmake)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime sdk)
set(CPACK_COMPONENTS_GROUPING IGNORE)  # one package per component

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME agenthost)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION net)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "agent host daemon\n\
agenthostd hosts AI agents, loaded from plugins, for many concurrent users: each\n\
request gets a fresh agent instance with its own context, event stream, database\n\
transaction and tools, so that no user sees, blocks or corrupts another's work.\n\
It serves HTTP and WebSocket clients and runs as the systemd service agenthost.")
# The libraries agenthostd and the plugins are linked against (Debian 12 package
# names carry the soname, so no versions are needed beyond the toolchain's, except
# for security fixes the host relies on), and adduser for postinst. test_deb.sh
# checks every NEEDED library is covered. libjwt0 1.10.2-1+deb12u1 is Debian 12's
# fix of CVE-2024-25189 (a timing side channel in libjwt's signature comparison).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS
    "libc6 (>= 2.36), libstdc++6 (>= 12), libgcc-s1, \
libboost-json1.81.0, libboost-filesystem1.81.0, libboost-context1.81.0, libyaml-cpp0.7, \
libsoci-core4.0, libsoci-sqlite3-4.0, libsoci-postgresql4.0, libsqlite3-0, libpq5, \
libspdlog1.10, libfmt9, libjwt0 (>= 1.10.2-1+deb12u1), libsystemd0, libssl3, libre2-9, \
libtcmalloc-minimal4, adduser")
# https model endpoints are verified against the system's certificate store.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "sqlite3, postgresql-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)

set(CPACK_DEBIAN_SDK_PACKAGE_NAME agenthost-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_SDK_DESCRIPTION
    "agent host plugin SDK\n\
Headers, the test harness and the CMake package (find_package(agenthost)) for\n\
building agenthost agent plugins, and a plugin template to start from.")
# What agenthostConfig.cmake looks for, and the compiler plugins must match.
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS
    "cmake (>= 3.25), g++ (>= 4:12), libboost1.81-dev, libboost-json1.81-dev, \
libboost-filesystem1.81-dev, libsoci-dev, libsqlite3-dev, libfmt-dev, libre2-dev")
set(CPACK_DEBIAN_SDK_PACKAGE_SUGGESTS "agenthost (= ${PROJECT_VERSION}-${AGENTHOST_PACKAGE_RELEASE}), catch2")

include(CPack)
