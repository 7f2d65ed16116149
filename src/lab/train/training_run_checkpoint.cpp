// Checkpoints of a TrainingRun: one safetensors file holding the weights ("model.fc1.weight"), the
// optimizer's buffers ("optimizer.0.exp_avg", named as PyTorch's optimizer.state_dict()), the best
// epoch's weights for restore-best ("best.fc1.weight"), and under the metadata key "ember.checkpoint" a
// JSON object with the rest: the options the run was started with, the epochs so far with their
// figures, the optimizer's step count, the generators' states, the schedule's and early stopping's
// state. Written atomically, so an interrupted save leaves the previous checkpoint whole.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ember/lab/io/safetensors.hpp"
#include "ember/lab/train/training_run.hpp"

namespace ember {

namespace {

constexpr int checkpoint_version = 1;

// Every array is stored as [rows, cols] (a bias as [1, n]): a checkpoint is read back only by Ember.
StoredTensor stored(const Matrix& m) {
  StoredTensor t;
  t.shape = {m.rows(), m.cols()};
  t.data.assign(m.data(), m.data() + m.size());
  return t;
}

Matrix matrix_of(const StoredTensor& t, const std::string& name) {
  if (t.shape.size() != 2) throw ModelFileError("checkpoint tensor " + name + " is not a [rows, cols] array");
  Matrix m(t.shape[0], t.shape[1]);
  std::copy(t.data.begin(), t.data.end(), m.data());
  return m;
}

nlohmann::json number(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }
double number_of(const nlohmann::json& v) { return v.is_null() ? NAN : v.get<double>(); }

EpochStats epoch_of(const nlohmann::json& j) {
  EpochStats s;
  s.epoch = j.at("epoch").get<int>();
  s.train_loss = number_of(j.at("train_loss"));
  s.train_accuracy = number_of(j.at("train_accuracy"));
  s.val_loss = number_of(j.at("val_loss"));
  s.val_accuracy = number_of(j.at("val_accuracy"));
  s.test_loss = number_of(j.at("test_loss"));
  s.test_accuracy = number_of(j.at("test_accuracy"));
  s.lr = j.at("lr").get<double>();
  s.seconds = j.at("seconds").get<double>();
  return s;
}

// Values of `tensors` under "prefix." copied into a state dict shaped like `like` (the model's).
nn::StateDict state_from(const SafetensorsFile& file, const std::string& prefix, const nn::StateDict& like) {
  nn::StateDict state;
  for (const auto& [name, tensor] : like) {
    const auto found = file.tensors.find(prefix + name);
    if (found == file.tensors.end()) throw ModelFileError("checkpoint has no tensor " + prefix + name);
    const Matrix m = matrix_of(found->second, found->first);
    if (m.rows() != tensor.rows() || m.cols() != tensor.cols())
      throw ModelFileError("checkpoint tensor " + found->first + " does not fit the model's " + tensor.shape().str());
    Tensor copy = tensor.detach();
    copy.mutable_value() = m;
    state.emplace(name, copy);
  }
  return state;
}

}  // namespace

nlohmann::json epoch_json(const EpochStats& s) {
  return {{"epoch", s.epoch},
          {"train_loss", number(s.train_loss)},
          {"train_accuracy", number(s.train_accuracy)},
          {"val_loss", number(s.val_loss)},
          {"val_accuracy", number(s.val_accuracy)},
          {"test_loss", number(s.test_loss)},
          {"test_accuracy", number(s.test_accuracy)},
          {"lr", s.lr},
          {"seconds", s.seconds}};
}

void TrainingRun::save_checkpoint() {
  SafetensorsFile file;
  for (const auto& [name, tensor] : model_.state_dict()) file.tensors["model." + name] = stored(tensor.value());
  for (const auto& [name, buffer] : trainer_.optimizer().state_dict())
    file.tensors["optimizer." + name] = stored(buffer);
  for (const auto& [name, tensor] : best_weights_) file.tensors["best." + name] = stored(tensor.value());
  nlohmann::json state;
  state["version"] = checkpoint_version;
  state["options"] = nlohmann::json::array();
  for (const auto& [option, value] : options_.identity) state["options"].push_back({option, value});
  state["epochs_done"] = trainer_.epochs_done();
  state["optimizer_steps"] = trainer_.optimizer().steps();
  state["shuffle_generator"] = trainer_.shuffle_generator().state();
  const Generator* dropout = model_.dropout_generator();
  if (dropout) state["dropout_generator"] = dropout->state();
  state["schedule"] = schedule_.state();
  state["early_stopping"] = {{"best_loss", number(early_stopping_.best_epoch > 0 ? early_stopping_.best_loss : NAN)},
                             {"best_epoch", early_stopping_.best_epoch},
                             {"epochs_without_improvement", early_stopping_.epochs_without_improvement}};
  state["history"] = nlohmann::json::array();
  for (const EpochStats& s : history_) state["history"].push_back(epoch_json(s));
  file.metadata["ember.checkpoint"] = state.dump();
  save_safetensors(options_.checkpoint, file);
}

void TrainingRun::resume(const std::string& path) {
  const SafetensorsFile file = load_safetensors(path);
  const auto found = file.metadata.find("ember.checkpoint");
  if (found == file.metadata.end())
    throw ModelFileError(path +
                         " is not a checkpoint (no ember.checkpoint metadata; a model file is resumed with --init)");
  try {
    const nlohmann::json state = nlohmann::json::parse(found->second);
    if (state.at("version").get<int>() != checkpoint_version)
      throw ModelFileError(path + ": checkpoint version " + state.at("version").dump() + " is not supported");
    // The options first: a run on other data or with another model must not be continued silently.
    std::string differences;
    std::vector<std::pair<std::string, std::string>> saved;
    for (const auto& entry : state.at("options")) saved.emplace_back(entry.at(0), entry.at(1));
    for (const auto& [option, value] : options_.identity) {
      std::string before = "(not given)";
      for (const auto& [saved_option, saved_value] : saved)
        if (saved_option == option) before = saved_value;
      if (before != value) differences += "\n  " + option + ": " + before + " in the checkpoint, " + value + " now";
    }
    if (!differences.empty())
      throw std::invalid_argument("--resume " + path + ": the checkpoint was written with other options:" +
                                  differences + "\n(give the options the checkpoint was written with)");
    const nn::StateDict like = model_.state_dict();
    model_.load_state_dict(state_from(file, "model.", like));
    std::map<std::string, Matrix> buffers;
    for (const auto& [name, tensor] : file.tensors)
      if (name.rfind("optimizer.", 0) == 0) buffers.emplace(name.substr(10), matrix_of(tensor, name));
    trainer_.optimizer().load_state_dict(buffers, state.at("optimizer_steps").get<long>());
    const bool has_best = file.tensors.count("best." + like.begin()->first) > 0;
    best_weights_ = has_best ? state_from(file, "best.", like) : nn::StateDict{};
    trainer_.shuffle_generator().set_state(state.at("shuffle_generator").get<std::string>());
    if (Generator* dropout = model_.dropout_generator())
      dropout->set_state(state.at("dropout_generator").get<std::string>());
    schedule_.load_state(state.at("schedule"));
    const nlohmann::json& stopping = state.at("early_stopping");
    early_stopping_.best_epoch = stopping.at("best_epoch").get<int>();
    early_stopping_.best_loss = early_stopping_.best_epoch > 0 ? number_of(stopping.at("best_loss")) : INFINITY;
    early_stopping_.epochs_without_improvement = stopping.at("epochs_without_improvement").get<int>();
    history_.clear();
    for (const auto& epoch : state.at("history")) history_.push_back(epoch_of(epoch));
    trainer_.set_epochs_done(state.at("epochs_done").get<int>());
    if (static_cast<int>(history_.size()) != trainer_.epochs_done())
      throw ModelFileError(path + ": the checkpoint's history does not match its epoch count");
  } catch (const nlohmann::json::exception& e) {
    throw ModelFileError(path + ": malformed checkpoint state (" + std::string(e.what()) + ")");
  }
}

}  // namespace ember
