// An evaluation report as a text table (one row per scene and a mean row)
// and as JSON with the same numbers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "parallax/eval/evaluate.h"

namespace parallax {

// Column name of a bad-N threshold: "bad-1", "bad-0.5".
std::string BadColumnName(double threshold);

std::string FormatReportTable(const EvalReport& report,
                              const EvalOptions& options);

// {"options": ..., "scenes": [...], "mean": ..., "notes": [...]}; callers
// add what the options struct does not know (folders, prediction kind).
nlohmann::json ReportToJson(const EvalReport& report,
                            const EvalOptions& options);

nlohmann::json ScoresToJson(const SceneScores& scores,
                            const EvalOptions& options);

}  // namespace parallax
