# Build options shared by every target: warnings, sanitizers, ccache.
option(AGENTHOST_WERROR "Treat warnings as errors (CI turns this on)" OFF)
option(AGENTHOST_BUILD_TESTS "Build the Catch2 test suite" ON)
set(AGENTHOST_SANITIZE "" CACHE STRING "Sanitizer build: '', 'address' (ASan+UBSan) or 'thread' (TSan)")
set_property(CACHE AGENTHOST_SANITIZE PROPERTY STRINGS "" address thread)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

add_library(agenthost_build_flags INTERFACE)
target_compile_options(agenthost_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                       -Wnon-virtual-dtor)
if(AGENTHOST_WERROR)
  target_compile_options(agenthost_build_flags INTERFACE -Werror)
endif()

if(AGENTHOST_SANITIZE STREQUAL "address")
  # No vptr check: it needs the typeinfo of SOCI's internal classes, which the SOCI
  # libraries do not export, so nothing using SOCI would link.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
  # GCC 12's flow analysis is thrown off by the sanitizer instrumentation and reports
  # -Wmaybe-uninitialized inside libstdc++ (std::regex, pulled in by Catch2); GCC's
  # manual warns that -fsanitize may cause such false positives. The default build
  # keeps the warning as an error.
  add_compile_options(-Wno-maybe-uninitialized)
  # Runs are fibers: only Boost.Context's ucontext backend tells ASan about its stack
  # switches (host/fiber/ucontext_activation_record.cpp). The macros change Boost's
  # class layouts, so they are set for every translation unit of the build.
  add_compile_definitions(BOOST_USE_UCONTEXT BOOST_USE_ASAN)
elseif(AGENTHOST_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_options(-Wno-maybe-uninitialized) # as for ASan above
  # TSan does not model standalone fences (GCC: -Wtsan). Asio's fenced blocks around
  # handler calls are redundant with the locks of its scheduler, so TSan builds use
  # Asio's fence-free variant and TSan sees only the synchronisation it understands.
  add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  # Fibers under TSan: the ucontext backend's TSan fiber annotations (as for ASan).
  add_compile_definitions(BOOST_USE_UCONTEXT BOOST_USE_TSAN)
elseif(NOT AGENTHOST_SANITIZE STREQUAL "")
  message(FATAL_ERROR "AGENTHOST_SANITIZE must be '', 'address' or 'thread', not '${AGENTHOST_SANITIZE}'")
endif()

# The allocator of the daemon and its workers: TCMalloc (gperftools' minimal build).
# Measured with bench/run_load.sh's closed-100 on 2 cores, A/B in one session: glibc's
# malloc 6,360-6,703 runs/s at 245-254 us of server CPU per run, TCMalloc 7,594-7,649
# at 209-213 us (glibc's arenas pay for memory freed on another thread than the one that
# allocated it: an event is built on a fiber and freed on the writer or an I/O thread);
# jemalloc measured as glibc. The price: about 0.5 KiB more per idle connection
# (docs/benchmarks.md). Sanitizer builds keep the sanitizers' own allocator.
option(AGENTHOST_TCMALLOC "Link agenthostd and agenthost-worker with TCMalloc" ON)
add_library(agenthost_allocator INTERFACE)
if(AGENTHOST_TCMALLOC AND AGENTHOST_SANITIZE STREQUAL "")
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
  # Nothing calls it by name: without --no-as-needed a linker that drops unreferenced
  # libraries would leave glibc's malloc in place.
  target_link_libraries(agenthost_allocator INTERFACE "-Wl,--push-state,--no-as-needed"
                                                      PkgConfig::TCMALLOC "-Wl,--pop-state")
endif()
