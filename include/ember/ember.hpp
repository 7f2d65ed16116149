// One include for the whole core: the engine (tensors, autograd, ops, activations), the layers,
// losses and optimizers, the batch loader and the training loop. The lab's headers (data formats,
// model files, the study, plots, printing as PyTorch prints) are included one by one, from
// include/ember/lab/.
#pragma once

#include "ember/core/data/dataset.hpp"
#include "ember/core/data/loader.hpp"
#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/engine/random.hpp"
#include "ember/core/engine/scalar.hpp"
#include "ember/core/engine/tensor.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/core/nn/init.hpp"
#include "ember/core/nn/linear.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/module.hpp"
#include "ember/core/nn/mymodel.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/core/nn/sequential.hpp"
#include "ember/core/train/metrics.hpp"
#include "ember/core/train/trainer.hpp"
