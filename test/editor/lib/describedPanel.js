'use strict';
/**
 * What n8n's own display rules (NodeHelpers of n8n-workflow) show of a node description for one resource and operation with
 * every other parameter at its default: the labels of the top-level parameters after Resource and Operation, and the entries of
 * the Options collection.
 */
const { NodeHelpers } = require('n8n-workflow');

function describedPanel(description, resource, operation) {
	const node = { typeVersion: description.version };
	const values = NodeHelpers.getNodeParameters(description.properties, { resource, operation }, true, false, node, description);
	const shown = description.properties.filter(
		(property) => property.type !== 'notice' && NodeHelpers.displayParameter(values, property, node, description),
	);
	const options = shown.find((property) => property.name === 'options');
	return {
		fields: shown.filter((property) => !['resource', 'operation'].includes(property.name)).map((property) => property.displayName),
		options: (options?.options ?? []).map((option) => option.displayName),
	};
}

/** Every resource.operation of the description, from its Resource and Operation menus. */
function describedOperations(description) {
	const resources = description.properties.find((property) => property.name === 'resource').options.map((option) => option.value);
	return resources.flatMap((resource) => {
		const menu = description.properties.find(
			(property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
		);
		return menu.options.map((option) => `${resource}.${option.value}`);
	});
}

module.exports = { describedPanel, describedOperations };
