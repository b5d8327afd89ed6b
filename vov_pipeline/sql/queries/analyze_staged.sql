-- Statistics for the load's plans (the staging tables change size with every run).
analyze vov_internal.stg_articles, vov_internal.stg_related;
