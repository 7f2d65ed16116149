// `ember demo`: the article's snippets, run in order and printed as PyTorch 1.13 prints them, each
// printed output compared with what the article printed (section 2: the activations and softmax;
// section 4: the article's MyModel and its two faults, each shown with a short run).
#pragma once

#include <cstdint>
#include <iosfwd>

namespace ember {

// The whole demo on `out`. `seed` draws the models' initial weights, the random inputs and the
// training set of the faults' runs. Sets the print options it needs and restores them after.
void run_article_demo(std::ostream& out, std::uint64_t seed);

}  // namespace ember
