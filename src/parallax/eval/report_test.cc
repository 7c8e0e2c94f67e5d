#include "parallax/eval/report.h"

#include <gtest/gtest.h>

namespace parallax {
namespace {

EvalReport TwoSceneReport() {
  EvalReport report;
  for (const char* name : {"cones", "a-rather-long-scene-name"}) {
    SceneResult r;
    r.scene.name = name;
    r.scene.layout = GtLayout::kMiddlebury2001;
    r.scene.gt = std::string(name) + "/groundtruth.png";
    r.prediction = std::string(name) + "_disp.pfm";
    r.result.valid_pixels = 1000;
    r.result.alignment = {2, 0.5};
    r.result.scores.depth.abs_rel = 0.125;
    r.result.scores.depth.delta1 = 0.75;
    r.result.scores.d1_all = 12.5;
    r.result.scores.bad = {40, 20};
    r.result.scores.spearman = 0.5;
    report.scenes.push_back(r);
  }
  report.mean = report.scenes[0].result.scores;
  report.notes = {"something to know"};
  return report;
}

TEST(Report, TableHasAHeaderARowPerSceneAndTheMean) {
  EvalOptions options;
  options.bad_thresholds = {1, 0.5};
  const std::string table = FormatReportTable(TwoSceneReport(), options);
  EXPECT_NE(table.find("AbsRel"), std::string::npos) << table;
  EXPECT_NE(table.find("bad-1%"), std::string::npos) << table;
  EXPECT_NE(table.find("bad-0.5%"), std::string::npos) << table;
  EXPECT_NE(table.find("Spearman"), std::string::npos) << table;
  EXPECT_NE(table.find("cones"), std::string::npos) << table;
  EXPECT_NE(table.find("mean (2 scenes)"), std::string::npos) << table;
  EXPECT_NE(table.find("0.1250"), std::string::npos) << table;
  // Four lines of equal width: the columns line up.
  std::vector<std::string> lines;
  size_t start = 0, end;
  while ((end = table.find('\n', start)) != std::string::npos) {
    lines.push_back(table.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string& line : lines) {
    EXPECT_EQ(line.size(), lines[0].size()) << line;
  }
}

TEST(Report, JsonHoldsTheSameNumbersAndOptions) {
  EvalOptions options;
  options.bad_thresholds = {1, 0.5};
  const nlohmann::json json = ReportToJson(TwoSceneReport(), options);
  EXPECT_EQ(json["options"]["align"], "scale-shift");
  EXPECT_EQ(json["options"]["bad_thresholds"].size(), 2u);
  EXPECT_EQ(json["scene_count"], 2);
  ASSERT_EQ(json["scenes"].size(), 2u);
  const nlohmann::json& cones = json["scenes"][0];
  EXPECT_EQ(cones["name"], "cones");
  EXPECT_EQ(cones["layout"], "middlebury-2001");
  EXPECT_TRUE(cones["mask"].is_null());
  EXPECT_EQ(cones["prediction"], "cones_disp.pfm");
  EXPECT_EQ(cones["valid_pixels"], 1000);
  EXPECT_DOUBLE_EQ(cones["alignment"]["scale"], 2);
  EXPECT_DOUBLE_EQ(cones["metrics"]["abs_rel"], 0.125);
  EXPECT_DOUBLE_EQ(cones["metrics"]["bad_1"], 40);
  EXPECT_DOUBLE_EQ(cones["metrics"]["bad_0.5"], 20);
  EXPECT_DOUBLE_EQ(json["mean"]["d1_all"], 12.5);
  EXPECT_DOUBLE_EQ(json["mean"]["spearman"], 0.5);
  EXPECT_EQ(json["notes"][0], "something to know");
  EXPECT_EQ(BadColumnName(2), "bad-2");
}

}  // namespace
}  // namespace parallax
