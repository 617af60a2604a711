//! Integration tests: the real server over HTTP, on SQLite and on PostgreSQL.

mod helpers;

mod account_attacks;
mod accounts;
mod appreciation;
mod award;
mod cli;
mod contests;
mod crash;
mod health;
mod ideas;
mod insight;
mod jury;
mod mail;
mod matrix;
mod notifications;
mod organizations;
mod pages;
mod pages_manage;
mod pages_participate;
mod profiles;
mod served;
mod sessions;
mod smtp;
mod talent;
