// Shared plumbing of the `parallax` subcommands: every command is an
// `int RunX(int argc, char** argv)` function (COLMAP style) that parses its
// own flags with CLI11 and turns failures into `error: <what>` and a
// non-zero exit code, so the same functions run in-process in tests.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "parallax/infer/predictor.h"
#include "parallax/io/video_writer.h"

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
