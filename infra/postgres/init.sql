-- One database per service (run once, when the PostgreSQL volume is created).
CREATE DATABASE cycles;
CREATE DATABASE observations;
CREATE DATABASE reports;
