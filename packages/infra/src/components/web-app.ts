import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface WebAppHostArgs {
  instanceType: string;
  subnetIds: pulumi.Output<string[]>;
  securityGroupId: pulumi.Input<string>;
  public: boolean;
}

/** Graviton families (t4g, m7g, c7gn…) carry a "g" after the generation digit and need an arm64 AMI. */
export const amiArchitectureOf = (instanceType: string): "arm64" | "x86_64" =>
  /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";

/** The CloudWatch agent's config: memory and disk usage, which EC2 does not report by itself. */
export const CLOUDWATCH_AGENT_CONFIG = {
  agent: { metrics_collection_interval: 60 },
  metrics: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the agent's own placeholder, not a JS template.
    append_dimensions: { InstanceId: "${aws:InstanceId}" },
    metrics_collected: {
      mem: { measurement: ["mem_used_percent"] },
      disk: { measurement: ["used_percent"], resources: ["/"] },
    },
  },
};

/**
 * The optional web-app host: a small EC2 instance reached through SSM Session Manager (no SSH key, no
 * port 22), IMDSv2 only, with the CloudWatch agent reporting memory for the host alarms.
 */
export class WebAppHost extends pulumi.ComponentResource {
  readonly instance: aws.ec2.Instance;

  constructor(name: string, args: WebAppHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:web:WebAppHost", name, {}, opts);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        },
      },
      { parent: this },
    );
    const attachments = [
      aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore,
      aws.iam.ManagedPolicy.CloudWatchAgentServerPolicy,
    ].map(
      (policyArn, i) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-policy-${i}`,
          { role: role.name, policyArn },
          { parent: this },
        ),
    );
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, { parent: this });

    const ami = aws.ssm.getParameterOutput(
      {
        name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${amiArchitectureOf(args.instanceType)}`,
      },
      { parent: this },
    );
    const userData = [
      "#!/bin/bash",
      "set -euo pipefail",
      "dnf install -y amazon-cloudwatch-agent",
      "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'JSON'",
      JSON.stringify(CLOUDWATCH_AGENT_CONFIG),
      "JSON",
      "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s " +
        "-c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json",
    ].join("\n");

    this.instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami: ami.value,
        instanceType: args.instanceType,
        subnetId: args.subnetIds.apply((ids) => {
          const id = ids[0];
          if (!id) throw new Error(`${name}: no subnet for the web-app host`);
          return id;
        }),
        vpcSecurityGroupIds: [args.securityGroupId],
        associatePublicIpAddress: args.public,
        iamInstanceProfile: profile.name,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: { volumeType: "gp3", volumeSize: 16, encrypted: true },
        userData,
        userDataReplaceOnChange: true,
        monitoring: false,
      },
      // A new AMI must not replace a running host on every `pulumi up`.
      { parent: this, dependsOn: attachments, ignoreChanges: ["ami"] },
    );
    this.registerOutputs({ instanceId: this.instance.id });
  }
}
