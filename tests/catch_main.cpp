// Catch2's main(), compiled once and shared by both test programs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
