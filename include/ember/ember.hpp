// One include for programs that use Ember: the engine, the layers, losses and optimizers.
#pragma once

#include "ember/activations.hpp"
#include "ember/autograd.hpp"
#include "ember/ops.hpp"
#include "ember/tensor.hpp"
