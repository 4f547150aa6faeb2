// @ts-check
import { html, trusted } from "../lib/html.js";

/**
 * The subnets-versus-security-groups lesson's picture (GET /api/lessons/network): the stack's VPC drawn by
 * the lab from the stack config and infra's network rules, with the rules listed and the lesson's point
 * spelled out — what shares the database's subnets yet has no rule into its security group.
 *
 * @typedef {{ id: string; name: string; wornBy: string; members: string[]; tier: string; egressAll: boolean }} Group
 * @typedef {{ id: string; from: string; to: string; protocol: string; port: number }} Rule
 * @typedef {{
 *   stack: string; layout: string; stackLayout: string; vpcCidr: string; databasePort: number;
 *   tiers: { tier: string; kind: string; subnets: { az: number; cidr: string }[] }[];
 *   groups: Group[]; rules: Rule[]; shareDatabaseSubnetsWithoutRule: string[];
 *   reachDatabaseFromOtherSubnets: string[]; svg: string
 * }} NetworkPicture
 */

export const NETWORK_TRIGGER = "network";

/** The layout picker shown beside the trigger: the stack's own layout, or the other one to compare. */
export const networkControls = () => html`<label class="lesson-control">layout
    <select data-testid="network-layout" name="layout">
      <option value="">this stack's</option>
      <option value="shared">shared</option>
      <option value="split">split</option>
    </select></label>`;

/** @param {Element | null} block */
export const runNetwork = async (block) => {
  const select = /** @type {HTMLSelectElement | null} */ (
    block?.querySelector("[data-testid=network-layout]") ?? null
  );
  const layout = select?.value ?? "";
  const response = await fetch(
    `/api/lessons/network${layout ? `?layout=${encodeURIComponent(layout)}` : ""}`,
  );
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return /** @type {NetworkPicture} */ (body);
};

/** @param {NetworkPicture} p @param {string} id */
const groupName = (p, id) =>
  id === "internet" ? "the internet (0.0.0.0/0)" : (p.groups.find((g) => g.id === id)?.name ?? id);

/** @param {NetworkPicture} picture */
export const renderNetwork = (picture) => {
  const database = picture.groups.find((g) => g.id === "database");
  const variant = picture.layout !== picture.stackLayout;
  return html`<p data-testid="network-layout-shown"><strong>${picture.stack}</strong>: ${picture.layout} layout
    ${variant ? html`<span class="badge" data-kind="pending">what if</span> (this stack deploys ${picture.stackLayout})` : html`(as this stack deploys it)`},
    VPC <code>${picture.vpcCidr}</code>.</p>
    <div class="network-picture" data-testid="network-svg">${trusted(picture.svg)}</div>
    <ul class="network-points" data-testid="network-points">
      ${picture.shareDatabaseSubnetsWithoutRule.map(
        (id) =>
          html`<li data-point="same-subnet-no-rule">${groupName(picture, id)} sits in the same ${database?.tier} subnets as the database, yet has <strong>no way in</strong>: no rule on ${database?.name} names it.</li>`,
      )}
      ${picture.reachDatabaseFromOtherSubnets.map(
        (id) =>
          html`<li data-point="other-subnet-rule">${groupName(picture, id)} sits in other subnets than the database and still reaches port ${picture.databasePort}: the rule names its group.</li>`,
      )}
    </ul>
    <table class="network-rules" data-testid="network-rules">
      <thead><tr><th>into</th><th>from</th><th>port</th></tr></thead>
      <tbody>${picture.rules.map(
        (r) =>
          html`<tr data-rule="${r.id}"><td>${groupName(picture, r.to)}</td><td>${groupName(picture, r.from)}</td><td>${r.protocol} ${r.port}</td></tr>`,
      )}</tbody>
    </table>`;
};
