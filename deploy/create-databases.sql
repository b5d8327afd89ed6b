-- First start of the compose PostgreSQL: one database for Airflow's metadata, one for the data.
create database airflow;
create database vov;
