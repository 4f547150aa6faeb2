/**
 * The architecture as a graph, derived from a stack's inventory and the references between its resources
 * (an input that holds another resource's ARN, id, name or address is an edge): the VPC and its subnet
 * tiers, security groups and their rules, functions and what triggers them, the bucket and its prefixes,
 * the database, the file system, schedules, alarms, topics, queues and endpoints. Read by type, so it
 * follows the program as it changes. Deterministic: everything is sorted by id.
 */
import { type Inventory, type InventoryResource, type Json, ofType, T } from "../inventory.js";

export type NodeKind =
  | "region"
  | "vpc"
  | "tier"
  | "sg-group"
  | "function"
  | "api"
  | "schedule"
  | "topic"
  | "queue"
  | "alarm"
  | "bucket"
  | "prefix"
  | "database"
  | "filesystem"
  | "host"
  | "nat"
  | "gateway"
  | "endpoint"
  | "security-group"
  | "parameter"
  | "log"
  | "external";

export type EdgeKind = "trigger" | "data" | "failure" | "alarm" | "network";

export interface DiagramNode {
  id: string;
  kind: NodeKind;
  /** First line is the title; the rest are details. */
  label: string[];
  parent?: string;
}

export interface DiagramEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface Diagram {
  stack: string;
  title: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

const GROUP_KINDS = new Set<NodeKind>(["region", "vpc", "tier", "sg-group", "bucket"]);
export const isGroupKind = (kind: NodeKind) => GROUP_KINDS.has(kind);

const ROOT = "region";
const camelId = (id: string) => id.replace(/[^a-zA-Z0-9]+/g, "-").toLowerCase();
const list = (v: Json): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const byName = (a: InventoryResource, b: InventoryResource) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Every string a resource is referred to by, under the mock: its ARN, id, names, address. */
const referenceValues = (r: InventoryResource): string[] =>
  [
    r.state.arn,
    r.state.id,
    `${r.name}-id`,
    r.state.name,
    r.state.bucket,
    r.state.address,
    r.state.invokeArn,
    r.state.executionArn,
    r.state.url,
  ].filter((v): v is string => typeof v === "string" && v.length > 0);

export const buildDiagram = (inv: Inventory): Diagram => {
  const nodes = new Map<string, DiagramNode>();
  const edges = new Map<string, DiagramEdge>();
  const nodeOf = new Map<string, string>(); // resource urn → node id
  const index = new Map<string, InventoryResource>();
  for (const r of inv.resources) for (const v of referenceValues(r)) if (!index.has(v)) index.set(v, r);

  /** The resource a value names: exactly, or as the ARN an `arn/…`/`arn:*` string starts with. */
  const resolve = (value: Json): InventoryResource | undefined => {
    if (typeof value !== "string") return undefined;
    const exact = index.get(value);
    if (exact) return exact;
    for (const [key, r] of index) if (key.startsWith("arn:") && value.startsWith(`${key}/`)) return r;
    for (const [key, r] of index) if (key.startsWith("arn:") && value.startsWith(`${key}:`)) return r;
    return undefined;
  };
  const add = (node: DiagramNode, resource?: InventoryResource) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
    if (resource) nodeOf.set(resource.urn, node.id);
    return node.id;
  };
  const edge = (from: string | undefined, to: string | undefined, kind: EdgeKind, label?: string) => {
    if (!from || !to || from === to) return;
    const id = `${from}->${to}:${kind}`;
    const existing = edges.get(id);
    if (existing) {
      if (label && existing.label && !existing.label.split(", ").includes(label))
        existing.label = `${existing.label}, ${label}`;
      return;
    }
    edges.set(id, { id, from, to, kind, ...(label ? { label } : {}) });
  };
  const node = (r: InventoryResource | undefined) => (r ? nodeOf.get(r.urn) : undefined);

  add({ id: ROOT, kind: "region", label: [`AWS ${inv.region} · stack ${inv.stack}`] });

  // The network: VPC, subnet tiers (one group per tier, all AZs), gateways, endpoints, security groups.
  const subnetTier = new Map<string, string>(); // subnet id → tier node id
  for (const vpc of ofType(inv, T.vpc).sort(byName)) {
    const vpcId = add(
      {
        id: `vpc:${vpc.name}`,
        kind: "vpc",
        label: [`VPC ${vpc.inputs.cidrBlock ?? ""}`.trim()],
        parent: ROOT,
      },
      vpc,
    );
    const subnets = ofType(inv, T.subnet).filter((s) => s.inputs.vpcId === vpc.state.id);
    const tiers = [...new Set(subnets.map((s) => String(s.inputs.tier ?? "Private")))].sort();
    for (const tier of tiers) {
      const members = subnets.filter((s) => (s.inputs.tier ?? "Private") === tier);
      const tierId = add({
        id: `tier:${vpc.name}:${tier.toLowerCase()}`,
        kind: "tier",
        label: [`${tier.toLowerCase()} subnets ×${members.length} AZs`],
        parent: vpcId,
      });
      for (const s of members) {
        subnetTier.set(s.state.id, tierId);
        nodeOf.set(s.urn, tierId);
      }
    }
    for (const igw of ofType(inv, T.internetGateway).filter((g) => g.inputs.vpcId === vpc.state.id))
      add({ id: `igw:${igw.name}`, kind: "gateway", label: ["internet gateway"], parent: vpcId }, igw);
  }
  const tierOf = (subnetIds: Json): string | undefined => {
    const tiers = [...new Set(list(subnetIds).map((id) => subnetTier.get(id)))].filter(Boolean) as string[];
    return tiers.sort()[0];
  };
  const vpcGroupOf = (vpcIdValue: Json) => node(resolve(vpcIdValue)) ?? ROOT;

  const eips = ofType(inv, T.eip).length;
  for (const nat of ofType(inv, T.natGateway).sort(byName))
    add(
      {
        id: `nat:${nat.name}`,
        kind: "nat",
        label: ["NAT gateway", eips > 0 ? "public IPv4 (Elastic IP)" : "private"],
        parent: tierOf(nat.inputs.subnetId) ?? ROOT,
      },
      nat,
    );
  for (const igw of ofType(inv, T.internetGateway))
    for (const nat of ofType(inv, T.natGateway)) edge(node(nat), node(igw), "network", "0.0.0.0/0");

  const securityGroups = ofType(inv, T.securityGroup).sort(byName);
  for (const sg of securityGroups) {
    const parent = vpcGroupOf(sg.inputs.vpcId);
    const groupId = `sgs:${parent}`;
    if (!nodes.has(groupId)) add({ id: groupId, kind: "sg-group", label: ["security groups"], parent });
    const egress = ofType(inv, T.egress).filter((e) => resolve(e.inputs.securityGroupId) === sg);
    add(
      {
        id: `sg:${sg.name}`,
        kind: "security-group",
        label: [
          sg.name.replace(/^network-/, ""),
          egress.length > 0
            ? `egress: ${egress.map((e) => (e.inputs.ipProtocol === "-1" ? "all" : e.inputs.ipProtocol)).join(", ")}`
            : "no egress rule",
        ],
        parent: groupId,
      },
      sg,
    );
  }
  const sgLabel = (ids: Json) =>
    list(ids)
      .map((id) => resolve(id)?.name.replace(/^network-/, ""))
      .filter(Boolean)
      .sort()
      .join(", ");
  for (const rule of ofType(inv, T.ingress).sort(byName)) {
    const target = node(resolve(rule.inputs.securityGroupId));
    const port =
      rule.inputs.fromPort === rule.inputs.toPort
        ? `${rule.inputs.ipProtocol} ${rule.inputs.fromPort}`
        : `${rule.inputs.ipProtocol} ${rule.inputs.fromPort}-${rule.inputs.toPort}`;
    if (rule.inputs.referencedSecurityGroupId) {
      edge(node(resolve(rule.inputs.referencedSecurityGroupId)), target, "network", port);
    } else if (rule.inputs.cidrIpv4) {
      const world = add({
        id: `cidr:${rule.inputs.cidrIpv4}`,
        kind: "external",
        label: [rule.inputs.cidrIpv4],
        parent: ROOT,
      });
      edge(world, target, "network", port);
    }
  }

  for (const ep of ofType(inv, T.vpcEndpoint).sort(byName)) {
    const service =
      String(ep.inputs.serviceName ?? "")
        .split(".")
        .at(-1) ?? "";
    const type = ep.inputs.vpcEndpointType ?? "Gateway";
    const parent = type === "Interface" ? (tierOf(ep.inputs.subnetIds) ?? ROOT) : vpcGroupOf(ep.inputs.vpcId);
    add(
      {
        id: `endpoint:${service}:${type.toLowerCase()}`,
        kind: "endpoint",
        label: [
          `${service} endpoint`,
          type === "Interface" ? `interface ×${list(ep.inputs.subnetIds).length} AZs` : "gateway (free)",
          ...(type === "Interface" && ep.inputs.securityGroupIds
            ? [`sg: ${sgLabel(ep.inputs.securityGroupIds)}`]
            : []),
        ],
        parent,
      },
      ep,
    );
  }

  // Storage: the bucket as a group of the prefixes the program names (IAM scopes, triggers, lifecycle).
  const buckets = ofType(inv, T.bucket).sort(byName);
  for (const b of buckets) {
    add({ id: `bucket:${b.name}`, kind: "bucket", label: [`S3 ${b.name}`], parent: ROOT }, b);
  }
  // A key scope's prefix node: "uploads/*" → uploads/; "variants/*/manifest.json" → variants/ too.
  const prefixNode = (bucket: InventoryResource, scope: string) => {
    const star = scope.indexOf("*");
    const clean = star < 0 ? scope : scope.slice(0, star);
    if (!clean) return node(bucket);
    return add({
      id: `prefix:${bucket.name}:${clean}`,
      kind: "prefix",
      label: [clean],
      parent: `bucket:${bucket.name}`,
    });
  };
  /** What a scope narrows within its prefix (`*.json`), or "" for the whole prefix. */
  const patternOf = (scope: string) => {
    const star = scope.indexOf("*");
    return star < 0 || scope.slice(star) === "*" ? "" : scope.slice(star);
  };
  // "arn:aws:s3:::bucket/uploads/*" → [bucket, "uploads/*"].
  const objectScope = (value: Json): [InventoryResource, string] | undefined => {
    if (typeof value !== "string") return undefined;
    const b = buckets.find((x) => value.startsWith(`${x.state.arn}/`));
    return b ? [b, value.slice(String(b.state.arn).length + 1)] : undefined;
  };
  for (const lc of ofType(inv, T.bucketLifecycle)) {
    const bucket = resolve(lc.inputs.bucket);
    if (!bucket || bucket.type !== T.bucket) continue;
    for (const rule of list(lc.inputs.rules))
      if (rule.filter?.prefix) {
        const id = prefixNode(bucket, rule.filter.prefix);
        const n = id ? nodes.get(id) : undefined;
        if (n && rule.expiration?.days) n.label.push(`expires after ${rule.expiration.days} d`);
      }
  }

  for (const db of ofType(inv, T.rds).sort(byName)) {
    const subnetGroup = ofType(inv, T.rdsSubnetGroup).find(
      (g) => g.state.name === db.inputs.dbSubnetGroupName,
    );
    add(
      {
        id: `database:${db.name}`,
        kind: "database",
        label: [
          `RDS ${db.inputs.engine} ${db.inputs.engineVersion ?? ""}`.trim(),
          `${db.inputs.instanceClass} · ${db.inputs.multiAz ? "Multi-AZ" : "Single-AZ"}`,
          `${db.inputs.allocatedStorage} GiB ${db.inputs.storageType ?? ""}`.trim(),
          `sg: ${sgLabel(db.inputs.vpcSecurityGroupIds)}`,
        ],
        parent: tierOf(subnetGroup?.inputs.subnetIds) ?? ROOT,
      },
      db,
    );
    const secret = db.state.masterUserSecrets?.[0]?.secretArn;
    if (typeof secret === "string") index.set(secret, db);
  }
  for (const fs of ofType(inv, T.efs).sort(byName)) {
    const mounts = ofType(inv, T.efsMountTarget).filter((m) => resolve(m.inputs.fileSystemId) === fs);
    const points = ofType(inv, T.efsAccessPoint).filter((a) => resolve(a.inputs.fileSystemId) === fs);
    const id = add(
      {
        id: `efs:${fs.name}`,
        kind: "filesystem",
        label: [
          "EFS",
          `${fs.inputs.throughputMode ?? "bursting"} · ${fs.inputs.encrypted ? "encrypted" : "not encrypted"}`,
          `${mounts.length} mount target(s)`,
          ...points.map(
            (p) => `access point ${p.inputs.rootDirectory?.path ?? "/"} as ${p.inputs.posixUser?.uid}`,
          ),
          ...(mounts[0] ? [`sg: ${sgLabel(mounts[0].inputs.securityGroups)}`] : []),
        ],
        parent: tierOf(mounts.map((m) => m.inputs.subnetId)) ?? ROOT,
      },
      fs,
    );
    for (const p of points) nodeOf.set(p.urn, id);
  }
  for (const host of ofType(inv, T.instance).sort(byName))
    add(
      {
        id: `host:${host.name}`,
        kind: "host",
        label: [
          `EC2 ${host.inputs.instanceType}`,
          host.inputs.associatePublicIpAddress ? "public IPv4" : "no public IP",
          `sg: ${sgLabel(host.inputs.vpcSecurityGroupIds)}`,
        ],
        parent: tierOf(host.inputs.subnetId) ?? ROOT,
      },
      host,
    );
  for (const p of ofType(inv, T.ssmParameter).sort(byName))
    add(
      {
        id: `parameter:${p.name}`,
        kind: "parameter",
        label: [`SSM ${p.inputs.type ?? ""}`.trim(), p.inputs.name ?? p.name],
        parent: ROOT,
      },
      p,
    );

  // Compute: every function, in its subnet tier when it runs in the VPC.
  const prefix = `lambda-lab-${inv.stack}-`;
  const functionIdOf = (fn: InventoryResource) => {
    const name: string = fn.inputs.name ?? fn.name;
    return name.startsWith(prefix) ? name.slice(prefix.length) : fn.name;
  };
  for (const fn of ofType(inv, T.fn).sort(byName)) {
    const i = fn.inputs;
    const reserved = i.reservedConcurrentExecutions;
    add(
      {
        id: `fn:${functionIdOf(fn)}`,
        kind: "function",
        label: [
          `λ ${functionIdOf(fn)}`,
          `${i.memorySize ?? 128} MB · ${list(i.architectures)[0] ?? "x86_64"} · ${i.timeout ?? 3} s`,
          reserved === undefined ? "unreserved" : `reserved ${reserved}`,
          ...(i.vpcConfig ? [`sg: ${sgLabel(i.vpcConfig.securityGroupIds)}`] : []),
        ],
        parent: i.vpcConfig ? (tierOf(i.vpcConfig.subnetIds) ?? ROOT) : ROOT,
      },
      fn,
    );
  }

  for (const q of ofType(inv, T.queue).sort(byName))
    add({ id: `queue:${q.name}`, kind: "queue", label: ["SQS", q.inputs.name ?? q.name], parent: ROOT }, q);
  for (const t of ofType(inv, T.topic).sort(byName))
    add(
      { id: `topic:${t.name}`, kind: "topic", label: ["SNS", t.inputs.displayName ?? t.name], parent: ROOT },
      t,
    );

  // Triggers: what invokes each function.
  for (const api of ofType(inv, T.api).sort(byName)) {
    const routes = ofType(inv, T.apiRoute)
      .filter((r) => resolve(r.inputs.apiId) === api)
      .map((r) => String(r.inputs.routeKey))
      .sort();
    add(
      {
        id: `api:${api.name}`,
        kind: "api",
        label: [`API Gateway ${api.inputs.protocolType ?? ""}`.trim(), ...routes],
        parent: ROOT,
      },
      api,
    );
  }
  for (const integration of ofType(inv, T.apiIntegration))
    edge(
      node(resolve(integration.inputs.apiId)),
      node(resolve(integration.inputs.integrationUri)),
      "trigger",
      "proxy",
    );
  for (const n of ofType(inv, T.bucketNotification)) {
    const bucket = resolve(n.inputs.bucket);
    for (const target of list(n.inputs.lambdaFunctions)) {
      const from =
        bucket?.type === T.bucket && target.filterPrefix
          ? prefixNode(bucket, target.filterPrefix)
          : node(bucket);
      edge(from, node(resolve(target.lambdaFunctionArn)), "trigger", list(target.events).join(" "));
    }
  }
  for (const s of ofType(inv, T.schedule).sort(byName)) {
    const id = add(
      {
        id: `schedule:${s.name}`,
        kind: "schedule",
        label: ["Scheduler", s.inputs.scheduleExpression, s.inputs.scheduleExpressionTimezone ?? "UTC"],
        parent: ROOT,
      },
      s,
    );
    edge(id, node(resolve(s.inputs.target?.arn)), "trigger", "invoke");
    if (s.inputs.target?.deadLetterConfig?.arn)
      edge(id, node(resolve(s.inputs.target.deadLetterConfig.arn)), "failure", "undeliverable");
  }
  for (const m of ofType(inv, T.eventSourceMapping))
    edge(
      node(resolve(m.inputs.eventSourceArn)),
      node(resolve(m.inputs.functionName)),
      "trigger",
      `poll, batch ${m.inputs.batchSize ?? 10}`,
    );
  for (const c of ofType(inv, T.eventInvokeConfig))
    edge(
      node(resolve(c.inputs.functionName)),
      node(resolve(c.inputs.destinationConfig?.onFailure?.destination)),
      "failure",
      `on failure (${c.inputs.maximumRetryAttempts ?? 2} retries)`,
    );
  for (const sub of ofType(inv, T.topicSubscription)) {
    const from = node(resolve(sub.inputs.topic));
    if (sub.inputs.protocol === "lambda")
      edge(from, node(resolve(sub.inputs.endpoint)), "trigger", "subscription");
    else
      edge(
        from,
        add({
          id: `external:${sub.inputs.protocol}`,
          kind: "external",
          label: [sub.inputs.protocol],
          parent: ROOT,
        }),
        "alarm",
        sub.inputs.protocol,
      );
  }
  for (const f of ofType(inv, T.logSubscription)) {
    const group = ofType(inv, T.logGroup).find((g) => g.state.name === f.inputs.logGroup);
    if (!group) continue;
    const logId = add(
      { id: `log:${group.name}`, kind: "log", label: ["log group", String(group.state.name)], parent: ROOT },
      group,
    );
    edge(logId, node(resolve(f.inputs.destinationArn)), "trigger", `filter ${f.inputs.filterPattern}`);
    const db = ofType(inv, T.rds).find((d) =>
      String(group.state.name).startsWith(`/aws/rds/instance/${d.inputs.identifier}/`),
    );
    if (db) edge(node(db), logId, "data", "log export");
  }
  for (const invoke of ofType(inv, T.invocation)) {
    const deploy = add({ id: "external:pulumi-up", kind: "external", label: ["pulumi up"], parent: ROOT });
    edge(deploy, node(resolve(invoke.inputs.functionName)), "trigger", "invoked on deploy");
  }

  // Alarms: one node per namespace, every alarm action an edge to its topic.
  const alarms = ofType(inv, T.alarm);
  const namespaces = [...new Set(alarms.map((a) => String(a.inputs.namespace)))].sort();
  for (const ns of namespaces) {
    const mine = alarms.filter((a) => a.inputs.namespace === ns);
    const metrics = [...new Set(mine.map((a) => String(a.inputs.metricName)))].sort();
    const id = add({
      id: `alarms:${camelId(ns)}`,
      kind: "alarm",
      label: [`${ns} alarms ×${mine.length}`, ...metrics],
      parent: ROOT,
    });
    for (const a of mine)
      for (const action of list(a.inputs.alarmActions))
        edge(id, node(resolve(action)), "alarm", "ALARM / OK");
  }

  // What each function reads and writes: its role's statements and its environment.
  const roles = ofType(inv, T.role);
  for (const fn of ofType(inv, T.fn)) {
    const fnId = node(fn);
    const role = roles.find((r) => r.state.arn === fn.inputs.role);
    const statements = ofType(inv, T.rolePolicy)
      .filter((p) => role && resolve(p.inputs.role) === role)
      .flatMap((p) => list(p.inputs.policy?.Statement));
    // prefix node → letter (R W D L) → the patterns it is limited to ("" = the whole prefix)
    const access = new Map<string, Map<string, Set<string>>>();
    const grant = (to: string | undefined, letter: string, pattern = "") => {
      if (!to) return;
      const letters = access.get(to) ?? new Map<string, Set<string>>();
      letters.set(letter, (letters.get(letter) ?? new Set()).add(pattern));
      access.set(to, letters);
    };
    for (const st of statements) {
      if (st.Effect !== "Allow") continue;
      const actions = list(st.Action).map(String);
      const letters = [
        actions.some((a) => /^s3:(GetObject|\*)/.test(a)) ? "R" : "",
        actions.some((a) => /^s3:(PutObject|\*)/.test(a)) ? "W" : "",
        actions.some((a) => /^s3:(DeleteObject|\*)/.test(a)) ? "D" : "",
      ].filter(Boolean);
      for (const res of list(st.Resource)) {
        const scope = objectScope(res);
        if (scope) for (const l of letters) grant(prefixNode(scope[0], scope[1]), l, patternOf(scope[1]));
      }
      if (actions.includes("s3:ListBucket"))
        for (const res of list(st.Resource)) {
          const bucket = resolve(res);
          if (bucket?.type !== T.bucket) continue;
          const prefixes = list(st.Condition?.StringLike?.["s3:prefix"]);
          for (const p of prefixes.length ? prefixes : [""])
            grant(prefixNode(bucket, String(p)), "L", patternOf(String(p)));
        }
      if (actions.some((a) => a === "secretsmanager:GetSecretValue"))
        for (const res of list(st.Resource)) {
          const target = resolve(res);
          if (target?.type === T.rds) edge(fnId, node(target), "data", "secret");
        }
    }
    for (const [to, letters] of [...access].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const label = ["R", "W", "D", "L"]
        .filter((l) => letters.has(l))
        .map((l) => {
          const patterns = letters.get(l)!;
          return patterns.has("") ? l : `${l}(${[...patterns].sort().join(" ")})`;
        })
        .join(" ");
      edge(fnId, to, "data", label);
    }
    for (const [name, value] of Object.entries(fn.inputs.environment?.variables ?? {}).sort()) {
      const target = resolve(value);
      if (!target || target === fn || target.type === T.bucket) continue;
      if (target.type === T.rds) edge(fnId, node(target), "data", "SQL");
      else if ([T.ssmParameter, T.queue, T.topic, T.efs].includes(target.type as never))
        edge(fnId, node(target), "data", name);
    }
    if (fn.inputs.fileSystemConfig)
      edge(
        fnId,
        node(resolve(fn.inputs.fileSystemConfig.arn)),
        "data",
        `NFS ${fn.inputs.fileSystemConfig.localMountPath}`,
      );
  }

  const sortedNodes = [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sortedEdges = [...edges.values()]
    .filter((e) => nodes.has(e.from) && nodes.has(e.to))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    stack: inv.stack,
    title: `Lambda Lab · ${inv.stack} · ${inv.region}`,
    nodes: sortedNodes,
    edges: sortedEdges,
  };
};
