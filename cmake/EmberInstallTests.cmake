# ctest's install tests (label "install"; included by CMakeLists.txt with the tests and the install
# rules), each a run of scripts/test_install.sh, which says what it checks:
#   install_package           cmake --install of this build into a temporary prefix, bin/ember
#                             --version, then tests/consumer/ built against the prefix by
#                             find_package(Ember) and by pkg-config, and its programs run;
#   install_add_subdirectory  tests/consumer/ built with this source tree as a subdirectory.
# Each works in its own folder of the build, install-test-<mode>/ (removed when it passes), and
# downloads nothing. Both compile with two jobs (install_package about 15 s on two idle cores;
# install_add_subdirectory, which compiles the core library again, about 50 s), so they start first
# (COST), beside each other, and the short tests follow. (PROCESSORS 2 would be more exact, but
# ctest -j2 then starts them only once every one-processor test has run: last, one after the other.)
if(NOT EMBER_IS_TOP_LEVEL)
  return()
endif()
foreach(ember_install_mode package add_subdirectory)
  add_test(NAME install_${ember_install_mode}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/test_install.sh ${ember_install_mode}
                   ${CMAKE_CURRENT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/install-test-${ember_install_mode})
  set_tests_properties(install_${ember_install_mode} PROPERTIES
                       LABELS install TIMEOUT 400 COST 10000)
endforeach()
