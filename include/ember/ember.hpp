// One include for programs that use Ember: the engine, the layers, losses and optimizers.
#pragma once

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/engine/tensor.hpp"
