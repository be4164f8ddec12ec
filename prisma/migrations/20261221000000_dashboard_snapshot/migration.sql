-- The union's dashboard figures for today, kept by the job 'dashboards.refresh' (issue 12).
CREATE TABLE "DashboardSnapshot" (
    "organisationId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "asOf" DATE NOT NULL,
    "data" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DashboardSnapshot_pkey" PRIMARY KEY ("organisationId","kind")
);
