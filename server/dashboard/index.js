// The list of ceremonies this coordinator hosts. Data comes from the coordinator's public API only.
const list = document.getElementById('ceremonies');
const ids = await (await fetch('/api/ceremonies')).json();
if (ids.length === 0) list.append(Object.assign(document.createElement('li'), { textContent: 'No ceremony yet.' }));
for (const id of ids) {
  const item = document.createElement('li');
  const link = Object.assign(document.createElement('a'), { href: `/ceremonies/${encodeURIComponent(id)}`, textContent: id });
  item.append(link);
  list.append(item);
}
