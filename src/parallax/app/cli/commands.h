// The `parallax` subcommands. Each parses its own flags (`--help` on all).
#pragma once

namespace parallax {

int RunTrain(int argc, char** argv);
int RunDepth(int argc, char** argv);
int RunScan(int argc, char** argv);
int RunMatch(int argc, char** argv);
int RunRectify(int argc, char** argv);
int RunModelInfo(int argc, char** argv);
int RunModels(int argc, char** argv);
int RunModelAverage(int argc, char** argv);
int RunEval(int argc, char** argv);
int RunSynth(int argc, char** argv);
int RunExtract(int argc, char** argv);
int RunStereo(int argc, char** argv);
int RunDefocus(int argc, char** argv);
int RunFog(int argc, char** argv);
int RunComposite(int argc, char** argv);

}  // namespace parallax
