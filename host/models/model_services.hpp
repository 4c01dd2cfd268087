#pragma once
/// \file
/// ModelServices: what the host's runs need for models() (issue 11), handed from
/// HostRuntime through the engine to every RunScope.

namespace agenthost::models {

class ModelEndpoints;
class UsageLedger;

struct ModelServices {
  ModelEndpoints* endpoints = nullptr;  ///< null: no endpoint configured
  UsageLedger* ledger = nullptr;        ///< null: usage neither stored nor budgeted
};

}  // namespace agenthost::models
