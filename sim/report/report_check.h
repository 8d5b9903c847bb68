// The report.html section of `ehsim check` (docs/check.md "Output"), built from check.json: what
// was injected and how it ended, the divergent runs per function where power failed, the first
// divergences with their replay commands, and the hazards. Self-contained HTML + SVG.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ehsim {

// The "Power-failure check" section of a check.json document.
std::string check_section(const nlohmann::json& check);

// The whole page for `ehsim check`'s output directory (throws InputError naming check.json when
// it is unreadable).
std::string check_report_html(const std::string& out_dir);

// Writes OUT_DIR/report.html; a report that cannot be made is a warning (check.json stands).
bool write_check_report(const std::string& out_dir);

}  // namespace ehsim
