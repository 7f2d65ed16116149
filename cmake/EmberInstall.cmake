# Install rules, included by CMakeLists.txt when EMBER_INSTALL is on (the default for the top-level
# project). `cmake --install build --prefix P` installs:
#   P/bin/ember                                    the command line
#   P/lib/libember_core.a, P/lib/libember_lab.a    the two libraries (.so with -DBUILD_SHARED_LIBS=ON)
#   P/include/ember/...                            every header of include/ember/
#   P/lib/cmake/Ember/                             the CMake package: find_package(Ember CONFIG)
#                                                  gives Ember::core and Ember::lab
#   P/lib/pkgconfig/ember-core.pc, ember-lab.pc    the same two libraries for pkg-config
# (lib/ is CMAKE_INSTALL_LIBDIR: GNUInstallDirs makes it lib/<multiarch> for the prefix /usr.)
# tests/consumer/ is a project that uses each of the three ways; ctest builds it (install_* tests,
# cmake/EmberInstallTests.cmake).

include(CMakePackageConfigHelpers)

set(EMBER_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Ember"
    CACHE STRING "Where the CMake package (EmberConfig.cmake) is installed, under the prefix")
mark_as_advanced(EMBER_INSTALL_CMAKEDIR)

# ---- the libraries and the program ----
# Exported as Ember::core and Ember::lab: the names the aliases give them in a build that contains
# Ember (add_subdirectory), so a project's CMakeLists reads the same either way.
set_target_properties(ember_core PROPERTIES EXPORT_NAME core)
set_target_properties(ember_lab PROPERTIES EXPORT_NAME lab)

# Shared builds (-DBUILD_SHARED_LIBS=ON) only: a soname per minor version (0.x: a minor version may
# change the ABI), and run paths relative to the installed files, so the installed `ember` finds
# libember_lab.so, and libember_lab.so its libember_core.so, wherever the prefix is.
get_target_property(EMBER_LAB_TYPE ember_lab TYPE)
if(EMBER_LAB_TYPE STREQUAL "SHARED_LIBRARY")
  set_target_properties(ember_core ember_lab PROPERTIES
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
    INSTALL_RPATH "$ORIGIN")
  file(RELATIVE_PATH EMBER_BIN_TO_LIB "${CMAKE_INSTALL_FULL_BINDIR}" "${CMAKE_INSTALL_FULL_LIBDIR}")
  set_target_properties(ember PROPERTIES INSTALL_RPATH "$ORIGIN/${EMBER_BIN_TO_LIB}")
endif()

install(TARGETS ember_core ember_lab EXPORT EmberTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ember RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# All of include/ember/: ember.hpp, core/, lab/. The headers include each other as "ember/...", so
# the one include directory is P/include (ember_core's INSTALL_INTERFACE).
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ember DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# ---- the CMake package ----
# EmberTargets.cmake: the two imported targets, their include directory, compile definitions and
# link interface (nlohmann_json, public; for the static lab, $<LINK_ONLY:> its private zlib, which
# EmberConfig.cmake then finds). EmberConfig.cmake finds the dependencies first.
install(EXPORT EmberTargets NAMESPACE Ember:: DESTINATION ${EMBER_INSTALL_CMAKEDIR} FILE EmberTargets.cmake)

# What EmberConfig.cmake.in needs to know of this build.
if(EMBER_LAB_TYPE STREQUAL "STATIC_LIBRARY")
  set(EMBER_CONFIG_STATIC_LAB ON)
else()
  set(EMBER_CONFIG_STATIC_LAB OFF)
endif()
if(EMBER_OPENBLAS AND EMBER_OPENBLAS_LIBRARY)
  set(EMBER_CONFIG_OPENBLAS_LIBRARY "${EMBER_OPENBLAS_LIBRARY}")
else()
  set(EMBER_CONFIG_OPENBLAS_LIBRARY "")
endif()
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmberConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/cmake/EmberConfig.cmake
                              INSTALL_DESTINATION ${EMBER_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so find_package(Ember 0.1) accepts 0.1.z only. From 1.0
# on, this should be SameMajorVersion.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cmake/EmberConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cmake/EmberConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cmake/EmberConfigVersion.cmake
        DESTINATION ${EMBER_INSTALL_CMAKEDIR})

# ---- pkg-config: ember-core.pc and ember-lab.pc ----
# One file per library, as in CMake: `pkg-config --cflags --libs ember-core` (the core alone) or
# ember-lab (the lab, which Requires ember-core). Flags that must match between the library and the
# program (-march=native and the sanitizers: see ember_core in CMakeLists.txt; EIGEN_USE_BLAS) are
# in Cflags. A static library's own dependencies are in Libs/Requires, not the .private fields,
# since plain `pkg-config --libs` must link it.
set(EMBER_PC_CORE_CFLAGS "${OpenMP_CXX_FLAGS}")
set(EMBER_PC_CORE_LIBS "${OpenMP_CXX_FLAGS}")
if(EMBER_NATIVE)
  string(APPEND EMBER_PC_CORE_CFLAGS " -march=native")
endif()
# Eigen as a system header, as CMake's Eigen3::Eigen gives it: eigen3.pc's -I would show Eigen's own
# warnings under -Wall (3.4.0 with AVX: "unused variable 'r'"). GCC and Clang drop an -I of a
# directory that is also an -isystem, whatever the order.
get_target_property(EMBER_PC_EIGEN_INCLUDES Eigen3::Eigen INTERFACE_INCLUDE_DIRECTORIES)
foreach(dir IN LISTS EMBER_PC_EIGEN_INCLUDES)
  string(APPEND EMBER_PC_CORE_CFLAGS " -isystem ${dir}")
endforeach()
if(EMBER_CONFIG_OPENBLAS_LIBRARY)
  # By its full path, as the build links it: Debian's openblas.pc follows the alternatives, which
  # may name another OpenBLAS build than this one (the pthread one: see CMakeLists.txt).
  string(APPEND EMBER_PC_CORE_CFLAGS " -DEIGEN_USE_BLAS -DEMBER_OPENBLAS")
  string(APPEND EMBER_PC_CORE_LIBS " ${EMBER_CONFIG_OPENBLAS_LIBRARY}")
endif()
if(EMBER_SANITIZE)
  string(APPEND EMBER_PC_CORE_CFLAGS " -fsanitize=address,undefined")
  string(APPEND EMBER_PC_CORE_LIBS " -fsanitize=address,undefined")
endif()
if(EMBER_CONFIG_STATIC_LAB)
  set(EMBER_PC_LAB_REQUIRES "Requires: ember-core = ${PROJECT_VERSION}, nlohmann_json, zlib")
else()
  set(EMBER_PC_LAB_REQUIRES "Requires: ember-core = ${PROJECT_VERSION}, nlohmann_json\nRequires.private: zlib")
endif()
# The paths: libdir and includedir under ${prefix} unless given as absolute paths.
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(EMBER_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(EMBER_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
# The prefix is the one `cmake --install --prefix P` is given, known only when it runs: the files
# are configured here with a placeholder for it, then written by the install step itself (not into
# the build tree, which the install step only reads).
set(EMBER_PC_PREFIX "@EMBER_PC_PREFIX@")
foreach(pc ember-core ember-lab)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/${pc}.pc.in ${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/${pc}.pc.in @ONLY)
endforeach()
install(CODE "
  foreach(ember_pc ember-core ember-lab)
    file(READ \"${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/\${ember_pc}.pc.in\" ember_pc_text)
    get_filename_component(EMBER_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\" ABSOLUTE)
    string(CONFIGURE \"\${ember_pc_text}\" ember_pc_text @ONLY)
    if(IS_ABSOLUTE \"${CMAKE_INSTALL_LIBDIR}\")
      set(ember_pc_file \"\$ENV{DESTDIR}${CMAKE_INSTALL_LIBDIR}/pkgconfig/\${ember_pc}.pc\")
    else()
      set(ember_pc_file \"\$ENV{DESTDIR}\${EMBER_PC_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/\${ember_pc}.pc\")
    endif()
    message(STATUS \"Installing: \${ember_pc_file}\")
    file(WRITE \"\${ember_pc_file}\" \"\${ember_pc_text}\")
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${ember_pc_file}\")
  endforeach()
")
