// libFuzzer target for the model-file readers: load_safetensors (src/lab/io/safetensors.cpp) and
// load_model (src/lab/io/model_file.cpp) on arbitrary bytes written to a scratch file. A ModelFileError
// is the expected answer to a bad file; anything else escaping, a sanitizer report, an allocation
// beyond -rss_limit_mb, or a loaded model that cannot run a forward pass is a bug. Seeds:
// tests/fuzz/corpus/model_file/ (the reference models, small ones, and damaged copies); model.dict
// holds the header's words.
#include <cstdint>
#include <string>

#include "ember/lab/io/model_file.hpp"
#include "ember/lab/io/safetensors.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = ember_fuzz::scratch_path("model_file");
  ember_fuzz::write_file(path, data, size);

  try {
    const ember::SafetensorsFile file = ember::load_safetensors(path);
    std::size_t bytes = 0;
    for (const auto& [name, tensor] : file.tensors) bytes += tensor.data.size() * sizeof(float);
    EMBER_FUZZ_CHECK(bytes <= size);  // never more data than the file holds
  } catch (const ember::ModelFileError&) {
  }

  try {
    // "relu" for files that record no activation (PyTorch's), as `--activation relu` would.
    const ember::LoadedModel loaded = ember::load_model(path, "relu");
    const ember::nn::MyModel& model = *loaded.model;
    EMBER_FUZZ_CHECK(model.input_size() > 0 && model.num_classes() > 0);
    EMBER_FUZZ_CHECK(static_cast<std::size_t>(model.input_size()) * sizeof(float) <= size);
    const ember::Matrix x = ember::Matrix::Zero(2, model.input_size());
    ember::NoGradGuard no_grad;
    const ember::Tensor p = loaded.model->forward(ember::Tensor::from_matrix(x));
    EMBER_FUZZ_CHECK(p.rows() == 2 && p.cols() == model.num_classes());
  } catch (const ember::ModelFileError&) {
  }
  return 0;
}
