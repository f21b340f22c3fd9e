// The auth-service's image (../Dockerfile, as docker-compose.yml builds it), checked
// statically: stages, the entry point, the non-root user, the build context,
// the installs and the dependencies it runs on. The checks are devstack's
// testing/docker.ts; the compose stack's own are the repository's test/compose.test.ts.
import { describeImage } from "@authbridge/devstack/testing/docker";

describeImage("auth-service");
