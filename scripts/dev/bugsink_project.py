"""Create a Bugsink project through its REST API and print "<project id> <DSN>".

usage: bugsink_project.py BUGSINK_URL TOKEN NAME

Bugsink keeps one team per installation here (the script creates it on first use); each
project has its own DSN, so separate runs can be told apart.
"""
import json
import sys
import urllib.request


def api(base, token, path, payload=None):
    request = urllib.request.Request(
        base + "/api/canonical/0" + path,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main():
    base, token, name = sys.argv[1:4]
    teams = api(base, token, "/teams/")["results"]
    team = teams[0]["id"] if teams else api(base, token, "/teams/", {"name": "dev", "visibility": "joinable"})["id"]
    project = api(base, token, "/projects/", {"team": team, "name": name})["id"]
    dsn = api(base, token, "/projects/%s/" % project)["dsn"]
    print(project, dsn)


if __name__ == "__main__":
    main()
