// The commands that live in the network module (infer/network_module.h):
// they train or read model weights, so they need LibTorch. `parallax`
// reaches them through RunTrain, RunModelInfo and RunModelAverage
// (commands.h), which load the module first.
#pragma once

namespace parallax {

int TrainCommand(int argc, char** argv);
int ModelInfoCommand(int argc, char** argv);
int ModelAverageCommand(int argc, char** argv);

}  // namespace parallax
