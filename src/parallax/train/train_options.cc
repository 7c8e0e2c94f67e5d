#include "parallax/train/train_options.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "parallax/util/check.h"

namespace parallax {

void TrainOptions::Check() const {
  if (data.empty() && images.empty()) {
    ThrowError(
        "no training data: pass --data DIR (or --images with --teacher)");
  }
  if (!images.empty() && teacher.empty()) {
    ThrowError("--images gives mono images, which only a --teacher can label");
  }
  if (!teacher.empty()) {
    if (stereo_hints) {
      ThrowError(
          "--teacher and --stereo-hints both set the targets: choose one");
    }
    if (!(loss.supervised_invariant > 0 || loss.supervised_gradient > 0 ||
          loss.supervised > 0)) {
      ThrowError(
          "--teacher needs a supervised loss to follow it "
          "(--w-supervised-invariant, --w-supervised-gradient)");
    }
    const bool stereo_terms =
        loss.appearance > 0 || loss.smoothness > 0 || loss.lr_consistency > 0;
    if (!images.empty() && stereo_terms) {
      ThrowError(
          "--images are single views: the stereo losses cannot use "
          "them; set --w-appearance 0 --w-smoothness 0 --w-lr 0, or "
          "train on stereo --data only");
    }
    if (frame_step < 1) ThrowError("--frame-step must be at least 1");
    if (teacher_net_short_side < 0) {
      ThrowError("--teacher-net-size must be positive");
    }
  }
  if (out.empty()) ThrowError("no output folder: pass --out DIR");
  if (steps < 0) ThrowError("--steps must be >= 0");
  if (steps == 0 && !(epochs > 0)) {
    ThrowError("say how long to train: --steps N or --epochs N");
  }
  if (batch_size < 1 || batch_size > 1024) {
    ThrowError("--batch must be in 1..1024, got {}", batch_size);
  }
  model.Check();
  loss.Check();
  if (loss.mask_borders && model.head == HeadType::kDeep3d) {
    ThrowError(
        "--border-mask works with the disparity head only: the Deep3D "
        "head's plane sums have no single match to test");
  }
  if (!(learning_rate > 0 && learning_rate < 1)) {
    ThrowError("--lr must be in (0, 1), got {}", learning_rate);
  }
  for (double m : lr_milestones) {
    if (!(m > 0 && m < 1)) {
      ThrowError("--lr-milestones must be fractions in (0, 1), got {}", m);
    }
  }
  if (!(lr_gamma > 0 && lr_gamma <= 1)) {
    ThrowError("--lr-gamma must be in (0, 1], got {}", lr_gamma);
  }
  if (!(ema_decay >= 0 && ema_decay < 1)) {
    ThrowError("--ema must be in [0, 1) (0 = off), got {}", ema_decay);
  }
  if (checkpoint_every < 1) ThrowError("--checkpoint-every must be >= 1");
  if (validate_every < 0) ThrowError("--val-every must be >= 0");
  distributed.Check();
  if (loader_workers < 1 || loader_workers > 64) {
    ThrowError("--workers must be in 1..64, got {}", loader_workers);
  }
}

int64_t TrainOptions::TotalSteps(size_t total_pairs) const {
  if (steps > 0) return steps;
  return std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(epochs * total_pairs / batch_size)));
}

double LearningRateAt(const TrainOptions& options, int64_t step,
                      int64_t total_steps) {
  double rate = options.learning_rate;
  for (double milestone : options.lr_milestones) {
    if (step >= static_cast<int64_t>(std::llround(milestone * total_steps))) {
      rate *= options.lr_gamma;
    }
  }
  return rate;
}

namespace {

nlohmann::json AugmentToJson(const AugmentOptions& a) {
  return {{"enabled", a.enabled},
          {"flip_probability", a.flip_probability},
          {"color_probability", a.color_probability},
          {"gamma", {a.gamma_min, a.gamma_max}},
          {"brightness", {a.brightness_min, a.brightness_max}},
          {"color", {a.color_min, a.color_max}},
          {"resize", a.resize == ResizeMode::kRandomCrop ? "crop" : "resize"},
          {"max_crop_zoom", a.max_crop_zoom},
          {"channel_shuffle_probability", a.channel_shuffle_probability}};
}

AugmentOptions AugmentFromJson(const nlohmann::json& j) {
  AugmentOptions a;
  a.enabled = j.at("enabled");
  a.flip_probability = j.at("flip_probability");
  a.color_probability = j.at("color_probability");
  a.gamma_min = j.at("gamma").at(0), a.gamma_max = j.at("gamma").at(1);
  a.brightness_min = j.at("brightness").at(0);
  a.brightness_max = j.at("brightness").at(1);
  a.color_min = j.at("color").at(0), a.color_max = j.at("color").at(1);
  a.resize =
      j.at("resize") == "crop" ? ResizeMode::kRandomCrop : ResizeMode::kResize;
  a.max_crop_zoom = j.at("max_crop_zoom");
  // Runs from before channel shuffling had none.
  a.channel_shuffle_probability = j.value("channel_shuffle_probability", 0.0);
  return a;
}

nlohmann::json LossToJson(const LossWeights& w) {
  return {{"ssim_alpha", w.ssim_alpha},
          {"appearance", w.appearance},
          {"smoothness", w.smoothness},
          {"lr_consistency", w.lr_consistency},
          {"deep3d_smoothness", w.deep3d_smoothness},
          {"max_probability", w.max_probability},
          {"supervised", w.supervised},
          {"supervised_invariant", w.supervised_invariant},
          {"supervised_gradient", w.supervised_gradient},
          {"num_scales", w.num_scales},
          {"mask_borders", w.mask_borders}};
}

LossWeights LossFromJson(const nlohmann::json& j) {
  LossWeights w;
  w.ssim_alpha = j.at("ssim_alpha");
  w.appearance = j.at("appearance");
  w.smoothness = j.at("smoothness");
  w.lr_consistency = j.at("lr_consistency");
  w.deep3d_smoothness = j.at("deep3d_smoothness");
  w.max_probability = j.at("max_probability");
  w.supervised = j.at("supervised");
  w.supervised_invariant = j.value("supervised_invariant", 0.0);
  w.supervised_gradient = j.value("supervised_gradient", 0.0);
  w.num_scales = j.at("num_scales");
  // Absent from runs started before the option existed.
  w.mask_borders = j.value("mask_borders", false);
  return w;
}

}  // namespace

void to_json(nlohmann::json& json, const TrainOptions& o) {
  nlohmann::json data = nlohmann::json::array();
  for (const DatasetSpec& spec : o.data) {
    data.push_back({{"path", spec.path.string()}, {"weight", spec.weight}});
  }
  nlohmann::json images = nlohmann::json::array();
  for (const DatasetSpec& spec : o.images) {
    images.push_back({{"path", spec.path.string()}, {"weight", spec.weight}});
  }
  json = {
      {"data", data},
      {"packed",
       o.packed ? (*o.packed == PackedLayout::kTopBottom ? "tb" : "sbs") : ""},
      {"exclude", o.exclude},
      {"out", o.out.string()},
      {"validation", o.validation.string()},
      {"init", o.init.string()},
      {"teacher", o.teacher.string()},
      {"teacher_net_short_side", o.teacher_net_short_side},
      {"images", images},
      {"frame_step", o.frame_step},
      {"steps", o.steps},
      {"epochs", o.epochs},
      {"batch_size", o.batch_size},
      {"model", o.model},
      {"loss", LossToJson(o.loss)},
      {"augment", AugmentToJson(o.augment)},
      {"flow", o.flow == FlowMethod::kFarneback ? "farneback" : "dis"},
      {"stereo_hints", o.stereo_hints},
      {"learning_rate", o.learning_rate},
      {"lr_milestones", o.lr_milestones},
      {"lr_gamma", o.lr_gamma},
      {"ema_decay", o.ema_decay},
      {"checkpoint_every", o.checkpoint_every},
      {"validate_every", o.validate_every},
      {"device", o.device},
      {"seed", o.seed},
      {"threads", o.threads},
      {"loader_workers", o.loader_workers},
      {"fp16_model", o.fp16_model},
      {"keep_checkpoints", o.keep_checkpoints}};
}

void from_json(const nlohmann::json& j, TrainOptions& o) {
  try {
    o.data.clear();
    for (const nlohmann::json& spec : j.at("data")) {
      o.data.push_back({spec.at("path").get<std::string>(),
                        spec.at("weight").get<double>()});
    }
    const std::string packed = j.at("packed");
    o.packed.reset();
    if (!packed.empty()) o.packed = ParsePackedLayout(packed);
    o.exclude = j.value("exclude", std::vector<std::string>{});
    o.out = j.at("out").get<std::string>();
    o.validation = j.at("validation").get<std::string>();
    o.init = j.value("init", std::string());
    // Absent in runs from before distillation.
    o.teacher = j.value("teacher", std::string());
    o.teacher_net_short_side = j.value("teacher_net_short_side", 0);
    o.images.clear();
    for (const nlohmann::json& spec :
         j.value("images", nlohmann::json::array())) {
      o.images.push_back({spec.at("path").get<std::string>(),
                          spec.at("weight").get<double>()});
    }
    o.frame_step = j.value("frame_step", 24);
    o.steps = j.at("steps");
    o.epochs = j.at("epochs");
    o.batch_size = j.at("batch_size");
    o.model = j.at("model").get<ModelConfig>();
    o.loss = LossFromJson(j.at("loss"));
    o.augment = AugmentFromJson(j.at("augment"));
    o.flow = ParseFlowMethod(j.at("flow").get<std::string>());
    // Absent in checkpoints written before stereo hints existed.
    o.stereo_hints = j.value("stereo_hints", false);
    o.learning_rate = j.at("learning_rate");
    o.lr_milestones = j.at("lr_milestones").get<std::vector<double>>();
    o.lr_gamma = j.at("lr_gamma");
    o.ema_decay = j.value("ema_decay", 0.0);  // absent in older runs
    o.checkpoint_every = j.at("checkpoint_every");
    o.validate_every = j.at("validate_every");
    o.device = j.at("device");
    o.seed = j.at("seed");
    o.threads = j.at("threads");
    o.loader_workers = j.at("loader_workers");
    o.fp16_model = j.at("fp16_model");
    o.keep_checkpoints = j.value("keep_checkpoints", false);
  } catch (const nlohmann::json::exception& e) {
    ThrowError("invalid training options in checkpoint: {}", e.what());
  }
}

}  // namespace parallax
