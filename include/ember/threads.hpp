// How many threads Ember's matrix products may use. The default is 1: at the sizes Ember is made
// for (a 64 x 32 layer, a batch of 32), starting threads costs more than the work they share, and
// on a busy machine waiting threads make it far worse (measured: a tiny training step 3x slower on
// two threads). Raise it for wide layers: `ember train --threads 2`, or set_num_threads(2).
#pragma once

namespace ember {

void set_num_threads(int threads);  // >= 1
int num_threads();

}  // namespace ember
