// Shared plumbing of the `parallax` subcommands: every command is an
// `int RunX(int argc, char** argv)` function (COLMAP style) that parses its
// own flags with CLI11 and turns failures into `error: <what>` and a
// non-zero exit code, so the same functions run in-process in tests.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "parallax/infer/predictor.h"
#include "parallax/io/video_writer.h"
#include "parallax/jobs/job_control.h"
#include "parallax/util/check.h"

namespace parallax {

// Exit codes.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;  // bad input, failed job
constexpr int kExitUsage = 2;  // bad flags
constexpr int kExitInterrupted = 130;

// Parses argv into `app` and runs `body`. `--help` prints help and returns
// 0; a usage error prints it with a hint and returns kExitUsage; a
// parallax::Error (or any exception) prints `error: <what>` and returns
// kExitError.
int RunCli(CLI::App& app, int argc, char** argv,
           const std::function<int()>& body);

// Prints "error: <input>: <why>", one line per failed input (one input's
// failure is a one-line error naming it), and returns kExitError; kExitOk
// when there are none.
int ReportInputFailures(const std::vector<std::string>& failures);

// Bad flag values are usage errors (exit 2) wherever they are found: a
// parallax::Error whose message starts with a flag ("--layout nonsense: use
// ...") is one. Errors about inputs name the input first.
bool IsFlagError(std::string_view message);

// The flag of a job option's field: its entry in `field_flags`, else "-o"
// for "output" and "--disparity-file" for "disparity_file".
std::string FlagOf(
    std::string_view field,
    const std::vector<std::pair<std::string, std::string>>& field_flags);

// Runs a job's options check, turning the fields its OptionError marks into
// this command's flags (FlagOf), so that the error reads as the user typed
// it and, when it starts with a flag, exits 2. RunCli shows an OptionError
// that reaches it the same way with the default flags.
void CheckJobOptions(
    const std::function<void()>& check,
    const std::vector<std::pair<std::string, std::string>>& field_flags);

// Runs `parse` on a flag's value; its parallax::Error comes out prefixed
// with the flag ("--layout: unknown stereo layout 'x': use ..."), so that
// it is reported as a usage error.
template <typename F>
auto ParseFlag(std::string_view flag, F&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const Error& e) {
    if (IsFlagError(e.what())) throw;
    throw Error(std::string(flag) + ": " + e.what());
  }
}

// Adds --device auto|cpu|cuda to a command that runs a network.
void AddDeviceOption(CLI::App& app, std::string* device);

// Adds --net-size WxH: the pixel count the network sees (aspect ratio is
// always kept; only W x H matters), which stays 0 (the model's training
// size) when the flag is absent; and --no-edge-pad.
void AddNetworkInputOptions(CLI::App& app, PredictorOptions* options);

// Adds --precision auto|fp32|bf16|fp16, parsed into `options`.
void AddPrecisionOption(CLI::App& app, PredictorOptions* options);

// Adds --overwrite (replace outputs that exist). Call after --resume, if
// the command has one: the two exclude each other. Without either, a command
// whose outputs exist stops before doing any work (util/existing_outputs.h).
void AddOverwriteFlag(CLI::App& app, bool* overwrite);

// Adds --codec, --crf, --preset and --pix-fmt to a command that writes
// video.
void AddVideoEncodeOptions(CLI::App& app, VideoEncodeOptions* encode);

}  // namespace parallax
