# Makes grafana/import/staging-canary.json (for Grafana's UI import) from the provisioned dashboard:
#   jq -f grafana/import/import.jq grafana/dashboards/staging-canary.json > grafana/import/staging-canary.json
# Import asks for a Prometheus data source and the two URLs, and puts them where ${...} stands.
{__inputs: [
   {name: "DS_PROMETHEUS", label: "Prometheus", description: "The Prometheus that scrapes the agent", type: "datasource", pluginId: "prometheus", pluginName: "Prometheus"},
   {name: "VAR_AGENT", type: "constant", label: "Agent URL", value: (.templating.list[] | select(.name == "agent") | .query), description: "Base URL of the agent's API"},
   {name: "VAR_RUNBOOK", type: "constant", label: "Runbook", value: (.templating.list[] | select(.name == "runbook") | .query), description: "Where docs/runbook.md is published"}],
 __requires: ([{type: "grafana", id: "grafana", name: "Grafana", version: "11.0.0"},
   {type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0"}]
   + ([.panels[] | .type, (.panels // [] | .[].type)] | map(select(. != "row")) | unique
      | map({type: "panel", id: ., name: ({stat: "Stat", timeseries: "Time series", "state-timeline": "State timeline"}[.] // .), version: ""})))}
+ (.templating.list |= map(
    if .name == "datasource" then .current = {selected: true, text: "${DS_PROMETHEUS}", value: "${DS_PROMETHEUS}"}
    elif .name == "agent" or .name == "runbook" then
      ("${VAR_" + (.name | ascii_upcase) + "}") as $ref
      | .query = $ref | .current = {text: $ref, value: $ref} | .options = [{selected: true, text: $ref, value: $ref}]
    else . end))
