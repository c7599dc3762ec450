#!/bin/sh
# Refresh the GraphiQL assets that /graphql serves from /static/graphiql/.
# They are vendored so the explorer works without internet access; the versions
# match the ones Strawberry's own GraphiQL page loads from a CDN.
set -eu

GRAPHIQL_VERSION=3.8.3
REACT_VERSION=18.2.0

here=$(cd "$(dirname "$0")" && pwd)
dest="$here/graphiql"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
for package in "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION"; do
    npm pack --silent "$package" >/dev/null
done

rm -rf "$dest"
mkdir -p "$dest"
unpack() {
    mkdir -p "$1"
    tar -xzf "$2" -C "$1" --strip-components=1
}
unpack graphiql "graphiql-$GRAPHIQL_VERSION.tgz"
unpack react "react-$REACT_VERSION.tgz"
unpack react-dom "react-dom-$REACT_VERSION.tgz"

cp graphiql/graphiql.min.js graphiql/graphiql.min.css "$dest/"
cp graphiql/LICENSE "$dest/LICENSE.graphiql"
cp react/umd/react.production.min.js "$dest/"
cp react/LICENSE "$dest/LICENSE.react"
cp react-dom/umd/react-dom.production.min.js "$dest/"
cp react-dom/LICENSE "$dest/LICENSE.react-dom"
echo "graphiql $GRAPHIQL_VERSION, react $REACT_VERSION, react-dom $REACT_VERSION" >"$dest/VERSIONS"
ls -l "$dest"
