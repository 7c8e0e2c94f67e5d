// parallax model-average: one network from the weighted mean of several.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/module_commands.h"
#include "parallax/model/model_average.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

int ModelAverageCommand(int argc, char** argv) {
  CLI::App app(
      "Average the weights of models of one architecture into one model "
      "(checkpoint averaging, model soup). Meant for runs fine-tuned from "
      "the same starting model (several seeds, or checkpoints of one run): "
      "their mean is usually better and less seed-dependent than each. "
      "Models trained from different random starts do not average well; "
      "score the result with 'parallax eval'.",
      "parallax model-average");
  std::vector<std::filesystem::path> models;
  std::filesystem::path output;
  std::vector<double> weights;
  bool fp32 = false;
  app.add_option("models", models, "Model files (.plx), two or more")
      ->required()
      ->expected(2, -1)
      ->check(CLI::ExistingFile);
  app.add_option("-o,--output", output, "Averaged model file (.plx)")
      ->required();
  app.add_option("--weights", weights,
                 "One weight per model, e.g. 2,1,1 (normalised to sum 1); "
                 "default: uniform")
      ->delimiter(',');
  app.add_flag("--fp32", fp32,
               "Store float32 weights (default float16, half the size, as "
               "shipped models are)");
  app.footer(
      "\nExample:\n  parallax model-average run_c/model.plx "
      "run_h/model.plx run_i/model.plx -o soup.plx");
  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  return RunCli(app, argc, argv, [&]() -> int {
    CheckNotAnInput(output, models);
    RefuseExistingOutput(output, ExistingOutputsFromFlags(overwrite, false),
                         /*resumable=*/false);
    AveragedModel averaged = AverageModels(models, weights);
    SaveModelOptions save;
    save.fp16 = !fp32;
    nlohmann::json sources = nlohmann::json::array();
    for (size_t i = 0; i < models.size(); ++i) {
      sources.push_back(
          {{"path", models[i].string()}, {"weight", averaged.weights[i]}});
    }
    save.metadata["averaged_from"] = sources;
    SaveModel(output, averaged.net, save);
    fmt::print("averaged {} models into {}\n", models.size(), output.string());
    return kExitOk;
  });
}

}  // namespace parallax
