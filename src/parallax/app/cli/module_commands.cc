// The network module's command table (NetworkModuleApi::run_command).
#include <cstring>

#include "parallax/app/cli/module_commands.h"
#include "parallax/util/check.h"

extern "C" int ParallaxRunModuleCommand(const char* name, int argc,
                                        char** argv) {
  struct Entry {
    const char* name;
    int (*run)(int, char**);
  };
  static constexpr Entry kCommands[] = {
      {"train", &parallax::TrainCommand},
      {"model-info", &parallax::ModelInfoCommand},
      {"model-average", &parallax::ModelAverageCommand},
  };
  for (const Entry& entry : kCommands) {
    if (!std::strcmp(entry.name, name)) return entry.run(argc, argv);
  }
  parallax::ThrowError("the network module has no command '{}'", name);
}
