// `parallax`: the command-line front end. A table of subcommands, each an
// `int(int argc, char** argv)` function (see commands.h).
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/passive_openmp.h"
#include "parallax/app/cli/version.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"stereo", &parallax::RunStereo,
       "2D to 3D: stereo photos and videos (SBS, TB, anaglyph, views)"},
      {"depth", &parallax::RunDepth,
       "Disparity/depth maps from images, folders, sequences and videos"},
      {"defocus", &parallax::RunDefocus,
       "Refocus photos and videos at a point: lens bokeh or graded blur"},
      {"fog", &parallax::RunFog,
       "Depth fog over photos and videos, in linear light"},
      {"composite", &parallax::RunComposite,
       "Composite a foreground over a background by per-pixel depth"},
      {"train", &parallax::RunTrain,
       "Train a depth network on stereo pairs (no depth labels needed)"},
      {"match", &parallax::RunMatch,
       "Disparity of a rectified stereo pair by semi-global matching"},
      {"rectify", &parallax::RunRectify,
       "Row-align stereo photos a 3D camera left unrectified (MPO, pairs)"},
      {"scan", &parallax::RunScan,
       "List the stereo pairs Parallax finds in folders, and what is wrong"},
      {"model-info", &parallax::RunModelInfo,
       "Describe a model file (.plx, or a Depth Anything V2 .pth)"},
      {"models", &parallax::RunModels,
       "List installed models; fetch an official one (Depth Anything V2)"},
      {"model-average", &parallax::RunModelAverage,
       "Average the weights of several models (checkpoint averaging)"},
      {"synth", &parallax::RunSynth,
       "Render synthetic stereo worlds with exact ground-truth disparity"},
      {"extract", &parallax::RunExtract,
       "Turn 3D films (SBS, TB) into stereo training data"},
      {"eval", &parallax::RunEval,
       "Score depth predictions against ground truth (Middlebury, KITTI, "
       "ETH3D)"},
  };
  return commands;
}

void PrintUsage() {
  fmt::print(
      "Parallax {}: monocular depth learned from stereo footage.\n\n"
      "Usage: parallax <command> [options]\n\nCommands:\n",
      parallax::kVersion);
  for (const Command& command : Commands()) {
    fmt::print("  {:<12} {}\n", command.name, command.summary);
  }
  fmt::print(
      "\nRun 'parallax <command> --help' for the options of a command.\n"
      "Global: --help, --version\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    PrintUsage();
    return argc < 2 ? parallax::kExitUsage : parallax::kExitOk;
  }
  parallax::RestartVideoJobsWithPassiveOpenMp(argc, argv);
  if (!std::strcmp(argv[1], "--version")) {
    fmt::print("parallax {}\n", parallax::VersionString());
    return parallax::kExitOk;
  }
  for (const Command& command : Commands()) {
    if (argv[1] == std::string(command.name)) {
      // The command sees itself as argv[0].
      return command.run(argc - 1, argv + 1);
    }
  }
  fmt::print(stderr,
             "error: unknown command '{}'\nRun 'parallax --help' for the "
             "list of commands.\n",
             argv[1]);
  return parallax::kExitUsage;
}
