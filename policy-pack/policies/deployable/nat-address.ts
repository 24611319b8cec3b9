// A NAT gateway with a fixed private address gets it (issue 22, item 5): the address is reserved in its subnet
// (SubnetCidrReservation, explicit: EC2 never assigns it on its own) before anything else there is created.

import { PolicyResource } from "@pulumi/policy";
import { contains, isCidr } from "../../lib/cidr";
import { asArray, asObject, asString, asStrings, stackPolicy } from "../lib";

const NAT = "aws:ec2/natGateway:NatGateway";
const RESERVATION = "aws:ec2/subnetCidrReservation:SubnetCidrReservation";
const LB = "aws:lb/loadBalancer:LoadBalancer";

/** Whether `r` depends on `target`, directly or through the resources it depends on. */
export function dependsOn(r: PolicyResource, target: PolicyResource, seen = new Set<PolicyResource>()): boolean {
    return (r.dependencies ?? []).some((d) => {
        if (d === target) {
            return true;
        }
        if (seen.has(d)) {
            return false;
        }
        seen.add(d);
        return dependsOn(d, target, seen);
    });
}

/** Subnets a resource places network interfaces in (NAT gateways, load balancers). */
function subnetsOf(r: PolicyResource): string[] {
    if (r.type === NAT) {
        return asStrings(r.props.subnetId);
    }
    return [
        ...asStrings(r.props.subnets),
        ...asArray(r.props.subnetMappings as Record<string, unknown>[] | undefined).flatMap((m) =>
            asStrings(asObject(m).subnetId),
        ),
    ];
}

export const fixedNatAddressReserved = stackPolicy({
    name: "network-fixed-nat-address-reserved",
    description:
        "A NAT gateway created with a fixed private address (the deploy runner's, which the firewall admits by source) has that address reserved in its subnet by an explicit SubnetCidrReservation, and it and every other NAT gateway or load balancer in that subnet are created after the reservation: otherwise one created at the same time can take the address and the deploy NAT fails (or the firewall admits the wrong source).",
    controls: ["NET-DEPLOY-PATH"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const reservations = rs.filter((r) => r.type === RESERVATION);
        for (const nat of rs.filter((r) => r.type === NAT && asString(r.props.privateIp))) {
            const ip = asString(nat.props.privateIp) ?? "";
            const subnet = asString(nat.props.subnetId) ?? "";
            const reservation = reservations.find((r) => {
                const cidr = asString(r.props.cidrBlock) ?? "";
                return (
                    asString(r.props.subnetId) === subnet &&
                    r.props.reservationType === "explicit" &&
                    isCidr(cidr) &&
                    contains(cidr, `${ip}/32`)
                );
            });
            if (!reservation) {
                report(
                    `[NET-DEPLOY-PATH] NAT gateway ${nat.name} asks for private address ${ip}, which no explicit SubnetCidrReservation in its subnet holds: another interface created in the subnet can take it first`,
                    nat.urn,
                );
                continue;
            }
            const neighbours = rs.filter(
                (r) => (r.type === NAT || r.type === LB) && subnetsOf(r).includes(subnet) && r !== reservation,
            );
            for (const r of neighbours.filter((n) => !dependsOn(n, reservation))) {
                report(
                    `[NET-DEPLOY-PATH] ${r.type === NAT ? "NAT gateway" : "load balancer"} ${r.name} in the subnet of NAT gateway ${nat.name} is not created after ${reservation.name}, the reservation of its fixed address ${ip}: created first, it can take the address`,
                    r.urn,
                );
            }
        }
    },
});
