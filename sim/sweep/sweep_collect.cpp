#include "sim/sweep/sweep_collect.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "sim/report/report_sweep.h"
#include "sim/run/output_dir.h"
#include "sim/scenario/units.h"
#include "sim/sweep/sweep_points.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

json lookup(const json& summary, const std::string& dotted) {
  std::string pointer;
  std::stringstream ss(dotted);
  for (std::string part; std::getline(ss, part, '.');) pointer += "/" + part;
  try {
    const json::json_pointer ptr(pointer);
    if (summary.contains(ptr)) return summary.at(ptr);
  } catch (const json::exception&) {
  }
  return nullptr;
}

std::string one_line(std::string s) {
  for (size_t at; (at = s.find('\n')) != std::string::npos;) s.replace(at, 1, " | ");
  return s;
}

}  // namespace

size_t collect_sweep(const SweepPlan& plan, const std::string& sweep_dir) {
  struct Row {
    const SweepPoint* point;
    std::string status, exit;
    json error;
    std::optional<json> summary;
  };
  std::vector<Row> rows;
  for (const SweepPoint& p : plan.points) {
    Row row{&p, "missing", "", nullptr, std::nullopt};
    const fs::path dir = point_dir(sweep_dir, p);
    const auto result = read_json_file(dir / "result.json");
    if (result && result->is_object() &&
        json((*result).value("params", json())) == json(point_params(p))) {
      row.status = result->value("status", "failed");
      row.exit = result->value("exit", "");
      row.error = result->value("error", json());
      row.summary = read_json_file(dir / "summary.json");
      if (row.status == "ok" && !row.summary) {
        row.status = "failed";
        row.error = "summary.json is missing or unreadable";
      }
    } else if (fs::exists(dir / "point.json")) {
      row.error = "no result (the point did not finish)";
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> metrics = plan.metrics;
  if (metrics.empty()) {
    for (const std::string& m : default_sweep_metrics()) {
      for (const Row& r : rows) {
        if (r.summary && !lookup(*r.summary, m).is_null()) {
          metrics.push_back(m);
          break;
        }
      }
    }
  }

  std::ostringstream csv;
  csv << "index,point";
  for (const SweepParam& p : plan.params) csv << ',' << csv_cell(p.key);
  csv << ",status,exit";
  for (const std::string& m : metrics) csv << ',' << csv_cell(m);
  csv << ",error\n";
  ordered_json j;
  j["schema"] = "ehsim-sweep";
  j["schema_version"] = 1;
  j["scenario"] = plan.scenario;
  j["zip"] = plan.zip;
  j["params"] = ordered_json::array();
  for (const SweepParam& p : plan.params) {
    j["params"].push_back({{"key", p.key}, {"spec", p.spec}, {"values", p.values}});
  }
  j["metrics"] = metrics;
  j["points"] = ordered_json::array();
  size_t ok = 0, failed = 0, missing = 0;
  for (const Row& r : rows) {
    csv << r.point->index << ',' << csv_cell(r.point->name);
    ordered_json params = ordered_json::object();
    for (const auto& [k, v] : r.point->sets) {
      csv << ',' << csv_cell(v);
      params[k] = v;
    }
    csv << ',' << r.status << ',' << csv_cell(r.exit);
    ordered_json values = ordered_json::object();
    for (const std::string& m : metrics) {
      const json v = r.summary ? lookup(*r.summary, m) : json();
      csv << ',' << csv_cell(cell_text(v));
      values[m] = v;
    }
    csv << ',' << csv_cell(r.error.is_string() ? one_line(r.error.get<std::string>()) : "") << '\n';
    (r.status == "ok" ? ok : r.status == "failed" ? failed : missing)++;
    j["points"].push_back({{"index", r.point->index},
                           {"name", r.point->name},
                           {"dir", "points/" + r.point->name},
                           {"params", params},
                           {"status", r.status},
                           {"exit", r.exit},
                           {"metrics", values},
                           {"error", r.error}});
  }
  j["counts"] = {{"points", rows.size()}, {"ok", ok}, {"failed", failed}, {"missing", missing}};
  // Points gathered from other machines may sit in a directory ehsim did not make: its own
  // files may still not replace a file of the same name that ehsim did not write.
  for (const char* name : {"sweep.csv", "sweep.json", "report.html"}) {
    std::error_code ec;
    if (fs::exists(fs::path(sweep_dir) / name, ec) && !output_kinds(sweep_dir).count("sweep")) {
      throw InputError(sweep_dir + ": holds " + name +
                       ", which ehsim did not write; move it away before collecting");
    }
  }
  write_atomically(fs::path(sweep_dir) / "sweep.csv", csv.str());
  write_atomically(fs::path(sweep_dir) / "sweep.json", j.dump(2) + "\n");
  write_sweep_report(sweep_dir);
  record_output_entries(sweep_dir, "sweep", {"sweep.csv", "sweep.json", "report.html"});
  return failed + missing;
}

SweepPlan read_sweep_plan(const std::string& sweep_dir) {
  const fs::path file = fs::path(sweep_dir) / "plan.json";
  if (fs::exists(file)) {
    const auto j = read_json_file(file);
    if (!j) throw InputError(file.string() + ": not valid JSON");
    return SweepPlan::from_json(*j, file.string());
  }
  // No plan (points copied without it): rebuild from each point's point.json.
  SweepPlan plan;
  std::error_code ec;
  std::map<size_t, SweepPoint> points;
  std::vector<std::string> keys;
  for (const auto& entry : fs::directory_iterator(fs::path(sweep_dir) / "points", ec)) {
    // Ordered: the parameters keep the order of the command line.
    std::optional<ordered_json> info;
    try {
      std::ifstream in(entry.path() / "point.json");
      if (in) info = ordered_json::parse(in);
    } catch (const json::exception&) {
    }
    if (!info || !info->is_object() || !info->contains("params")) continue;
    SweepPoint p;
    p.index = info->value("index", size_t(0));
    p.name = info->value("name", entry.path().filename().string());
    for (const auto& [k, v] : (*info)["params"].items()) {
      p.sets.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
    if (plan.scenario.empty() && info->contains("command") && (*info)["command"].size() > 2) {
      plan.scenario = (*info)["command"][2].get<std::string>();
    }
    points[p.index] = p;
  }
  if (points.empty()) {
    throw InputError(sweep_dir +
                     ": no plan.json and no points/*/point.json (not a sweep directory)");
  }
  for (const std::string& k : keys) {
    SweepParam sp;
    sp.key = k;
    for (const auto& [i, p] : points) {
      for (const auto& [pk, v] : p.sets) {
        if (pk == k && std::find(sp.values.begin(), sp.values.end(), v) == sp.values.end()) {
          sp.values.push_back(v);
        }
      }
    }
    for (const std::string& v : sp.values) sp.spec += (sp.spec.empty() ? "" : ",") + v;
    plan.params.push_back(sp);
  }
  // Every point's sets in the same key order.
  for (auto& [i, p] : points) {
    std::vector<std::pair<std::string, std::string>> sets;
    for (const std::string& k : keys) {
      for (const auto& s : p.sets) {
        if (s.first == k) sets.push_back(s);
      }
    }
    p.sets = sets;
    plan.points.push_back(p);
  }
  return plan;
}

}  // namespace ehsim
