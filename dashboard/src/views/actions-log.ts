// The actions log: each plan with its latest transaction, fee bumps counted, and the mined plan's realized
// slippage against its quote (positive = worse).
import type { ActionsResponse } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { bps, clockTime, count, shortHex } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

type Action = ActionsResponse["actions"][number];

function actionRow(action: Action): HTMLTableRowElement {
  return h(
    "tr",
    { "data-testid": `action-row-${action.planId}` },
    cell("When", {}, clockTime(action.updatedAtMs / 1000)),
    cell("Book", {}, action.bookId),
    cell("Plan", { title: action.planId }, h("code", {}, shortHex(action.planId))),
    cell("Lane", {}, action.lane, h("small", {}, ` ${action.mode}`)),
    cell("Status", {}, h("span", { class: `badge plan-${action.status}` }, action.status)),
    cell("Reason", { class: "reason" }, action.reason),
    cell(
      "Transaction",
      { title: action.txHash ?? "" },
      h("code", {}, shortHex(action.txHash)),
      action.txStatus ? h("small", {}, ` ${action.txStatus}`) : null,
    ),
    cell("Gas", {}, count(action.gasUsed)),
    cell("Replaced", {}, String(action.replacements)),
    cell("Slippage", { "data-testid": `action-slippage-${action.planId}` }, bps(action.slippageBps)),
  );
}

export function actionsTable(actions: readonly Action[]): HTMLElement {
  return stackedTable(
    ["When", "Book", "Plan", "Lane", "Status", "Reason", "Transaction", "Gas", "Replaced", "Slippage"],
    actions.map(actionRow),
    { testId: "actions-table", empty: "No actions yet: the keeper has not needed to trade." },
  );
}
