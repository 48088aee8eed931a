"""The shared core below the apps: small Django apps (rules, certificates, ...) that import
nothing from grid, volunteers, negotiation, funding, training or yuyao_portal."""
