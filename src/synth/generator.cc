namespace csu::synth {}
