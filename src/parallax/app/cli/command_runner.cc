#include "parallax/app/cli/command_runner.h"

#include <cctype>
#include <cstdio>
#include <exception>
#include <new>

#include <fmt/format.h>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

int RunCli(CLI::App& app, int argc, char** argv,
           const std::function<int()>& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    fmt::print("{}", app.help("", CLI::AppFormatMode::All));
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "error: {}\nRun '{} --help' for the options.\n",
               e.what(), app.get_name());
    return kExitUsage;
  }
  try {
    return body();
  } catch (const OptionError& e) {
    const std::string message =
        e.Render([](std::string_view field) { return FlagOf(field, {}); });
    fmt::print(stderr, "error: {}\n", message);
    if (IsFlagError(message)) {
      fmt::print(stderr, "Run '{} --help' for the options.\n", app.get_name());
      return kExitUsage;
    }
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    if (IsFlagError(e.what())) {
      fmt::print(stderr, "Run '{} --help' for the options.\n", app.get_name());
      return kExitUsage;
    }
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "error: out of memory (the inputs need more than this machine "
               "has; PARALLAX_MEMORY_BUDGET sets what Parallax plans for)\n");
  } catch (const std::exception& e) {
    // A broken internal check or a library failure: still no crash. Only
    // the first line: LibTorch appends a backtrace of dozens of lines.
    const std::string message = e.what();
    fmt::print(stderr, "error: {}\n", message.substr(0, message.find('\n')));
  }
  return kExitError;
}

bool IsFlagError(std::string_view message) {
  // "--divergence must be in 0..20", "-o out.png names one file, ...".
  return message.size() > 2 && message[0] == '-' &&
         (std::isalpha(static_cast<unsigned char>(message[1])) ||
          (message[1] == '-' &&
           std::isalpha(static_cast<unsigned char>(message[2]))));
}

void AddDeviceOption(CLI::App& app, std::string* device) {
  app.add_option("--device", *device,
                 "Where networks run: auto (CUDA when available), cpu, cuda, "
                 "cuda:N")
      ->capture_default_str();
}

void AddNetworkInputOptions(CLI::App& app, PredictorOptions* options) {
  app.add_option_function<std::string>(
         "--net-size",
         [options](const std::string& text) {
           try {
             if (text.find_first_not_of("0123456789") == std::string::npos) {
               const int side = text.empty() ? 0 : std::stoi(text.substr(0, 6));
               if (side < 1 || side > 8192) {
                 ThrowError("the short side must be 1..8192, not '{}'", text);
               }
               options->net_short_side = side;
               return;
             }
             const auto [width, height] = ParseSize(text, "--net-size");
             options->target_pixels = static_cast<double>(width) * height;
             options->target_short_side = std::min(width, height);
           } catch (const Error& e) {
             throw CLI::ValidationError("--net-size", e.what());
           }
         },
         "Network input size: WxH as a pixel budget, or N for a short side "
         "of N pixels (aspect ratio kept either way); larger sees finer "
         "detail at proportionally more time. Default: the model's training "
         "size; for Depth Anything a short side of 518 (WxH means "
         "min(W, H) there)")
      ->type_name("WxH|N");
  app.add_flag(
      "--no-edge-pad", [options](int64_t) { options->edge_padding = false; },
      "Feed the network the image without reflected side columns "
      "(they keep the band of wrong disparity networks put at their "
      "outermost columns out of the result)");
}

void AddPrecisionOption(CLI::App& app, PredictorOptions* options) {
  app.add_option_function<std::string>(
         "--precision",
         [options](const std::string& text) {
           try {
             options->precision = ParsePrecision(text);
           } catch (const Error& e) {
             throw CLI::ValidationError("--precision", e.what());
           }
         },
         "Network arithmetic: auto (fp32; fp16 for Depth Anything on CUDA), "
         "fp32, bf16 (Depth Anything ViT-S: a 1080p photo 1.45x faster on this "
         "machine's "
         "CPU), fp16 (CUDA only)")
      ->type_name("P");
}

void AddVideoEncodeOptions(CLI::App& app, VideoEncodeOptions* encode) {
  app.add_option("--codec", encode->codec,
                 "Video output codec: h264, h265 or ffv1 (16-bit lossless)")
      ->capture_default_str();
  CLI::Option* crf =
      app.add_option("--crf", encode->crf,
                     "Video quality (lower = better; default per codec)");
  // A command with its own default (depth maps) shows it.
  if (encode->crf >= 0) {
    crf->description("Video quality (lower = better)")->capture_default_str();
  }
  app.add_option("--preset", encode->preset, "Encoder speed preset")
      ->capture_default_str();
  app.add_option("--tune", encode->tune,
                 "Encoder tuning: psnr (data such as depth maps), film, grain, "
                 "animation, ...; empty for none")
      ->capture_default_str();
  app.add_option("--pix-fmt", encode->pix_fmt,
                 "Video pixel format, e.g. yuv420p10le");
}

void AddOverwriteFlag(CLI::App& app, bool* overwrite) {
  CLI::Option* flag = app.add_flag(
      "--overwrite", *overwrite,
      "Replace outputs that exist (without it, a command whose outputs "
      "exist stops before doing any work)");
  if (CLI::Option* resume = app.get_option_no_throw("--resume")) {
    flag->excludes(resume);
  }
}

int ReportInputFailures(const std::vector<std::string>& failures) {
  for (const std::string& line : failures) {
    fmt::print(stderr, "error: {}\n", line);
  }
  return failures.empty() ? kExitOk : kExitError;
}

std::string FlagOf(
    std::string_view field,
    const std::vector<std::pair<std::string, std::string>>& field_flags) {
  for (const auto& [name, flag] : field_flags) {
    if (name == field) return flag;
  }
  if (field == "output") return "-o";
  std::string flag = "--";
  for (const char c : field) flag += c == '_' ? '-' : c;
  return flag;
}

void CheckJobOptions(
    const std::function<void()>& check,
    const std::vector<std::pair<std::string, std::string>>& field_flags) {
  try {
    check();
  } catch (const OptionError& e) {
    ThrowError("{}", e.Render([&](std::string_view field) {
      return FlagOf(field, field_flags);
    }));
  }
}

}  // namespace parallax
