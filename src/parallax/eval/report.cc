#include "parallax/eval/report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

struct Column {
  std::string header;
  int width;
};

std::vector<Column> Columns(const EvalOptions& options) {
  std::vector<Column> columns = {
      {"pixels", 8},   {"AbsRel", 7},   {"SqRel", 9},
      {"RMSE", 9},     {"RMSElog", 7},  {"d<1.25", 6},
      {"d<1.25^2", 8}, {"d<1.25^3", 8}, {"D1-all%", 7}};
  for (double threshold : options.bad_thresholds) {
    const std::string name = BadColumnName(threshold) + "%";
    columns.push_back({name, std::max(6, static_cast<int>(name.size()))});
  }
  columns.push_back({"Spearman", 8});
  columns.push_back({"EdgeAcc", 7});
  columns.push_back({"EdgeComp", 8});
  return columns;
}

std::vector<std::string> Cells(const SceneScores& s, int64_t pixels) {
  std::vector<std::string> cells = {
      pixels >= 0 ? fmt::format("{}", pixels) : "",
      fmt::format("{:.4f}", s.depth.abs_rel),
      fmt::format("{:.3e}", s.depth.sq_rel),
      fmt::format("{:.3e}", s.depth.rmse),
      fmt::format("{:.4f}", s.depth.rmse_log),
      fmt::format("{:.3f}", s.depth.delta1),
      fmt::format("{:.3f}", s.depth.delta2),
      fmt::format("{:.3f}", s.depth.delta3),
      fmt::format("{:.2f}", s.d1_all)};
  for (double bad : s.bad) cells.push_back(fmt::format("{:.2f}", bad));
  cells.push_back(fmt::format("{:.3f}", s.spearman));
  for (double edge : {s.edge_accuracy, s.edge_completeness}) {
    cells.push_back(std::isfinite(edge) ? fmt::format("{:.2f}", edge) : "-");
  }
  return cells;
}

std::string Row(const std::string& name, size_t name_width,
                const std::vector<Column>& columns,
                const std::vector<std::string>& cells) {
  THROW_CHECK_EQ(columns.size(), cells.size());
  std::string row = fmt::format("{:<{}}", name, name_width);
  for (size_t i = 0; i < columns.size(); ++i) {
    row += fmt::format("  {:>{}}", cells[i], columns[i].width);
  }
  return row + "\n";
}

}  // namespace

std::string BadColumnName(double threshold) {
  return fmt::format("bad-{}", threshold);
}

std::string FormatReportTable(const EvalReport& report,
                              const EvalOptions& options) {
  const std::vector<Column> columns = Columns(options);
  const std::string mean_name =
      fmt::format("mean ({} scenes)", report.scenes.size());
  // Scenes of the same name (KITTI 2012 and 2015 side by side, MiddEval3
  // Q/H/F) are told apart by their relative path.
  std::map<std::string, int> name_count;
  for (const SceneResult& r : report.scenes) ++name_count[r.scene.name];
  const auto label = [&](const SceneResult& r) {
    return name_count[r.scene.name] > 1 ? r.scene.left_relative.string()
                                        : r.scene.name;
  };
  size_t name_width = std::max<size_t>(5, mean_name.size());
  for (const SceneResult& r : report.scenes) {
    name_width = std::max(name_width, label(r).size());
  }
  std::vector<std::string> headers;
  for (const Column& c : columns) headers.push_back(c.header);
  std::string table = Row("scene", name_width, columns, headers);
  for (const SceneResult& r : report.scenes) {
    table += Row(label(r), name_width, columns,
                 Cells(r.result.scores, r.result.valid_pixels));
  }
  table += Row(mean_name, name_width, columns, Cells(report.mean, -1));
  return table;
}

nlohmann::json ScoresToJson(const SceneScores& s, const EvalOptions& options) {
  THROW_CHECK_EQ(s.bad.size(), options.bad_thresholds.size());
  nlohmann::json json = {{"abs_rel", s.depth.abs_rel},
                         {"sq_rel", s.depth.sq_rel},
                         {"rmse", s.depth.rmse},
                         {"rmse_log", s.depth.rmse_log},
                         {"delta1", s.depth.delta1},
                         {"delta2", s.depth.delta2},
                         {"delta3", s.depth.delta3},
                         {"d1_all", s.d1_all},
                         {"spearman", s.spearman},
                         {"edge_accuracy_px", s.edge_accuracy},
                         {"edge_completeness_px", s.edge_completeness}};
  for (size_t i = 0; i < s.bad.size(); ++i) {
    json[fmt::format("bad_{}", options.bad_thresholds[i])] = s.bad[i];
  }
  return json;
}

nlohmann::json ReportToJson(const EvalReport& report,
                            const EvalOptions& options) {
  nlohmann::json scenes = nlohmann::json::array();
  for (const SceneResult& r : report.scenes) {
    const EvalScene& scene = r.scene;
    scenes.push_back(
        {{"name", scene.name},
         {"layout", ToString(scene.layout)},
         {"left", scene.left.string()},
         {"ground_truth", scene.gt.string()},
         {"mask", scene.mask.empty() ? nlohmann::json(nullptr)
                                     : nlohmann::json(scene.mask.string())},
         {"region", ToString(scene.region)},
         {"prediction", r.prediction},
         {"resized", r.resized},
         {"valid_pixels", r.result.valid_pixels},
         {"alignment",
          {{"scale", r.result.alignment.scale},
           {"shift", r.result.alignment.shift}}},
         {"disparity_floor", r.result.floor},
         {"metrics", ScoresToJson(r.result.scores, options)}});
  }
  return {{"options",
           {{"align", ToString(options.alignment)},
            {"min_disp_fraction", options.min_disp_fraction},
            {"max_depth", options.max_depth},
            {"bad_thresholds", options.bad_thresholds},
            {"depth", "1 / disparity in pixels"},
            {"mean", "per-scene scores averaged"}}},
          {"scenes", std::move(scenes)},
          {"mean", ScoresToJson(report.mean, options)},
          {"scene_count", report.scenes.size()},
          {"notes", report.notes}};
}

}  // namespace parallax
