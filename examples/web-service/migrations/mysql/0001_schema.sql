CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(100) NOT NULL UNIQUE,
    email VARCHAR(255) NOT NULL,
    role VARCHAR(20) NOT NULL,
    token VARCHAR(255) NOT NULL UNIQUE
);

CREATE TABLE organisations (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    category VARCHAR(40) NOT NULL,
    country VARCHAR(2)
);

CREATE TABLE members (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organisation_id BIGINT NOT NULL,
    name VARCHAR(100) NOT NULL,
    deals_won BIGINT NOT NULL DEFAULT 0,
    INDEX members_organisation (organisation_id),
    FOREIGN KEY (organisation_id) REFERENCES organisations (id) ON DELETE CASCADE
);
