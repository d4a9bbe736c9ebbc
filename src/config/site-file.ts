/** The name of Alluxio's site configuration file inside the configuration directory. */
export const SITE_PROPERTIES_FILE = 'alluxio-site.properties';
