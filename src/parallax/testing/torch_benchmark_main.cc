// main() of the LibTorch benchmarks: two threads, as the reference figures
// in docs/design.md (LibTorch here starts with one unless told).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

int main(int argc, char** argv) {
  torch::set_num_threads(2);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
