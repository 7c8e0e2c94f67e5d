// parallax models [list] | models fetch NAME: what models are installed,
// and installing an official one from its publisher.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/fetch/http_download.h"
#include "parallax/fetch/sha256.h"
#include "parallax/infer/model_registry.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::string Megabytes(int64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

fs::path Sha256Sidecar(const fs::path& model) {
  return model.string() + ".sha256";
}

std::string RecordedSha256(const fs::path& model) {
  std::ifstream in(Sha256Sidecar(model));
  std::string hex;
  in >> hex;
  return LooksLikeSha256(hex) ? hex : "";
}

int ListModels(bool checksums) {
  fmt::print("Model folders (searched in this order):\n");
  for (const fs::path& folder : ModelFolders()) {
    std::error_code error;
    fmt::print("  {}{}\n", folder.string(),
               fs::is_directory(folder, error) ? "" : "  (absent)");
  }
  const std::vector<InstalledModel> installed = ListInstalledModels();
  fmt::print("\nInstalled:\n");
  if (installed.empty()) fmt::print("  none\n");
  for (const InstalledModel& model : installed) {
    fmt::print("  {:<40} {:>10}  {}\n",
               model.name.empty() ? model.path.filename().string() : model.name,
               Megabytes(model.bytes),
               model.licence.empty() ? "" : "licence " + model.licence);
    fmt::print("      {}\n", model.path.string());
    // `models fetch` records the checksum it verified beside the file.
    const std::string recorded = RecordedSha256(model.path);
    if (checksums) {
      const std::string actual = Sha256OfFile(model.path);
      fmt::print("      sha256 {}{}\n", actual,
                 recorded.empty()     ? ""
                 : recorded == actual ? " (as when installed)"
                                      : " (CHANGED since it was installed: "
                                        "fetch it again)");
    } else if (!recorded.empty()) {
      fmt::print("      sha256 {} (at install; --sha256 checks the file)\n",
                 recorded);
    }
  }
  fmt::print("\nKnown (install with `parallax models fetch NAME`):\n");
  for (const KnownModel& known : KnownModels()) {
    if (known.url.empty()) continue;
    const bool present = FindModelFile(known.file_name).has_value();
    fmt::print("  {:<40} ~{:>9}  {:<13} {}\n", known.name,
               Megabytes(known.approximate_bytes), known.licence,
               present ? "installed" : "");
  }
  return kExitOk;
}

struct FetchArgs {
  std::string name, url, sha256, dir;
  bool allow_unverified = false, quiet = false;
};

int Fetch(const FetchArgs& args) {
  const KnownModel* known = FindKnownModel(args.name);
  if (!known && args.url.empty()) {
    std::string names;
    for (const KnownModel& k : KnownModels()) {
      if (!k.url.empty()) names += "\n  " + k.name;
    }
    ThrowError(
        "'{}' is not a model Parallax knows; known:{}\n(or give "
        "--url URL to fetch any file)",
        args.name, names);
  }
  if (known && known->url.empty()) {
    ThrowError("'{}' ships with Parallax: there is nothing to fetch",
               known->name);
  }
  const std::string url = args.url.empty() ? known->url : args.url;
  const std::string file_name =
      known ? known->file_name : fs::path(args.name).filename().string();
  const fs::path folder =
      args.dir.empty() ? UserModelFolder() : fs::path(args.dir);
  const fs::path destination = folder / file_name;
  std::error_code error;
  if (fs::exists(destination, error)) {
    fmt::print(stderr, "{} is already installed: {}\n", file_name,
               destination.string());
    return kExitOk;
  }
  if (known && !args.quiet) {
    fmt::print(stderr, "fetching {} ({}; licence {}) from {}\n", known->name,
               known->description, known->licence, url);
  }
  DownloadOptions options;
  options.expected_sha256 =
      args.sha256.empty() && known ? known->sha256 : args.sha256;
  options.allow_unverified = args.allow_unverified;
  std::unique_ptr<ProgressBar> bar;
  options.progress = [&](int64_t done, int64_t total) {
    if (InterruptRequested()) return false;
    if (args.quiet) return true;
    if (!bar && total > 0) {
      bar = std::make_unique<ProgressBar>(file_name, total, "B/s");
      bar->set_start(done);
    }
    if (bar) bar->Update(done);
    return true;
  };
  InstallInterruptHandler();
  DownloadResult result;
  try {
    result = DownloadFile(url, destination, options);
  } catch (const Cancelled&) {
    if (bar) bar->Finish();
    fmt::print(stderr,
               "interrupted: the bytes so far are kept in {}.part; run the "
               "same command to resume\n",
               destination.string());
    return kExitInterrupted;
  }
  if (bar) bar->Finish();
  WriteFileAtomic(Sha256Sidecar(destination), result.sha256 + "\n");
  if (!args.quiet) {
    fmt::print(stderr, "installed {} ({}, sha256 {}{})\n", destination.string(),
               Megabytes(result.bytes), result.sha256,
               result.checked_against == "given" ? ", as expected"
               : result.checked_against == "server"
                   ? ", as the server announced"
                   : ", NOT verified");
  }
  return kExitOk;
}

}  // namespace

int RunModels(int argc, char** argv) {
  CLI::App app(
      "List the installed models and the folders searched for them, or "
      "fetch an official model (Depth Anything V2) from its publisher into "
      "your model folder. Nothing is ever downloaded unless you ask.",
      "parallax models");
  app.require_subcommand(0, 1);
  bool checksums = false;
  auto* list = app.add_subcommand("list", "List models (the default)");
  list->add_flag("--sha256", checksums, "Also print each file's SHA-256");
  app.add_flag("--sha256", checksums, "Also print each file's SHA-256");
  FetchArgs fetch_args;
  auto* fetch = app.add_subcommand(
      "fetch",
      "Download a known model (resumable, SHA-256 checked) into the user's "
      "model folder");
  fetch
      ->add_option("name", fetch_args.name,
                   "Model name (see `parallax models`), or a file name "
                   "with --url")
      ->required();
  fetch->add_option("--url", fetch_args.url,
                    "Fetch from this address instead of the publisher's");
  fetch->add_option("--sha256", fetch_args.sha256,
                    "Expected SHA-256 (default: the pinned one, else the one "
                    "the server announces)");
  fetch->add_option("--dir", fetch_args.dir,
                    "Install into this folder (default: the user's model "
                    "folder)");
  fetch->add_flag("--allow-unverified", fetch_args.allow_unverified,
                  "Install even when no SHA-256 is known to check against");
  fetch->add_flag("-q,--quiet", fetch_args.quiet, "No progress bar");
  return RunCli(app, argc, argv, [&]() -> int {
    if (*fetch) {
      if (!fetch_args.sha256.empty() && !LooksLikeSha256(fetch_args.sha256)) {
        ThrowError("--sha256 must be 64 hex digits, not '{}'",
                   fetch_args.sha256);
      }
      return Fetch(fetch_args);
    }
    return ListModels(checksums);
  });
}

}  // namespace parallax
